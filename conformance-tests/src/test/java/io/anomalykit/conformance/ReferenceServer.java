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
            server = start(EmulatedVersion.V8, "anomalykit-kit");
        }
        return "http://127.0.0.1:" + server.port();
    }

    private static AnomalyServer nine;
    private static AnomalyServer second;

    /**
     * A second reference server (8.x) over its own store, started on first use: a differential run seeds the same job
     * ids on both of its sides, so they cannot share one server.
     */
    static synchronized String urlOfSecond() {
        if (second == null) {
            second = start(EmulatedVersion.V8, "anomalykit-kit-second");
        }
        return "http://127.0.0.1:" + second.port();
    }

    /** A second reference server, answering as Elasticsearch 9.x, started on first use. */
    static synchronized String urlOfNine() {
        if (nine == null) {
            nine = start(EmulatedVersion.V9, "anomalykit-kit-9");
        }
        return "http://127.0.0.1:" + nine.port();
    }

    /** A secured server over an empty store in a fresh directory, closed when the JVM exits. */
    private static AnomalyServer start(EmulatedVersion version, String directoryPrefix) {
        try {
            Path data = Files.createTempDirectory(directoryPrefix);
            AnomalyServer started = AnomalyServer.builder().port(0).dataDirectory(data).compatibility(version)
                    .security(new SecuritySettings(true, null, PASSWORD, true)).start().toCompletionStage()
                    .toCompletableFuture().get(2, TimeUnit.MINUTES);
            Runtime.getRuntime().addShutdownHook(new Thread(started::close));
            return started;
        } catch (Exception e) {
            throw new IllegalStateException("the reference server (" + version + ") did not start", e);
        }
    }

    /** A target for the server, or for a proxy in front of it, as the superuser. */
    static Target.Builder target(String url) {
        return Target.at(url).superuser(USER, PASSWORD);
    }
}
