package io.anomalykit.conformance;

import io.anomalykit.conformance.service.Target;
import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.http.EmulatedVersion;
import io.anomalykit.server.security.SecuritySettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The reference server on a free loopback port over an empty store, secured, shared by the kit's self-tests. */
final class ReferenceServer {

    static final String USER = "elastic";
    static final String PASSWORD = "kit-self-test-password";
    private static AnomalyServer server;

    private ReferenceServer() {
    }

    static synchronized String url() {
        if (server == null) {
            try {
                Path data = Files.createTempDirectory("anomalykit-kit");
                server = AnomalyServer.builder().port(0).dataDirectory(data)
                        .security(new SecuritySettings(true, null, PASSWORD, true)).start().toCompletionStage()
                        .toCompletableFuture().get(2, TimeUnit.MINUTES);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> server.close()));
            } catch (Exception e) {
                throw new IllegalStateException("the reference server did not start", e);
            }
        }
        return "http://127.0.0.1:" + server.port();
    }

    private static AnomalyServer nine;

    /** A second reference server, answering as Elasticsearch 9.x, started on first use. */
    static synchronized String urlOfNine() {
        if (nine == null) {
            try {
                Path data = Files.createTempDirectory("anomalykit-kit-9");
                nine = AnomalyServer.builder().port(0).dataDirectory(data).compatibility(EmulatedVersion.V9)
                        .security(new SecuritySettings(true, null, PASSWORD, true)).start().toCompletionStage()
                        .toCompletableFuture().get(2, TimeUnit.MINUTES);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> nine.close()));
            } catch (Exception e) {
                throw new IllegalStateException("the reference server (9 mode) did not start", e);
            }
        }
        return "http://127.0.0.1:" + nine.port();
    }

    /** A target for the server, or for a proxy in front of it, as the superuser. */
    static Target.Builder target(String url) {
        return Target.at(url).superuser(USER, PASSWORD);
    }
}
