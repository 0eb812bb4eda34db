package io.anomalykit.clients;

import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.http.EmulatedVersion;
import io.anomalykit.server.security.SecuritySettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The reference server as the clients meet it: on 127.0.0.1 at a free port, with the documented example data, security
 * on (user {@code elastic}) and the chosen emulated version. Closing stops it and removes its data.
 */
final class ClientTarget implements AutoCloseable {

    static final String USER = "elastic";
    static final String PASSWORD = "client-test-password";

    private final AnomalyServer server;
    private final Path data;

    private ClientTarget(AnomalyServer server, Path data) {
        this.server = server;
        this.data = data;
    }

    static ClientTarget start(EmulatedVersion version) {
        try {
            Path data = Files.createTempDirectory("anomalykit-clients");
            AnomalyServer server = AnomalyServer.builder().host("127.0.0.1").port(0).dataDirectory(data).demo(true)
                    .security(new SecuritySettings(true, null, PASSWORD, true)).compatibility(version)
                    .start().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            return new ClientTarget(server, data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the reference server did not start", e);
        }
    }

    String url() {
        return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() throws IOException {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the server", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the server did not stop cleanly", e);
        }
        try (Stream<Path> files = Files.walk(data)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
