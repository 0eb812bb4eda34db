package io.anomalykit.conformance;

import io.anomalykit.conformance.junit.ConformanceSuite;
import io.anomalykit.conformance.service.Target;
import io.anomalykit.server.AnomalyRouter;
import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.security.SecuritySettings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The kit against a host application that mounts anomalykit's router under {@code /es}, beside routes of its own
 * behind its own authentication: the APIs pass under a prefix as at the root.
 */
class MountedUnderAPrefixConformanceTest extends ConformanceSuite {

    private static String url;

    @Override
    protected Target target() {
        return ReferenceServer.target(hostUrl() + "/es").build();
    }

    /** The host: its own bearer-token routes under {@code /app}, anomalykit under {@code /es}; closed when the JVM exits. */
    private static synchronized String hostUrl() {
        if (url == null) {
            try {
                Vertx vertx = Vertx.vertx();
                AnomalyRouter anomalykit = AnomalyServer.builder()
                        .dataDirectory(Files.createTempDirectory("anomalykit-kit-mounted"))
                        .security(new SecuritySettings(true, null, ReferenceServer.PASSWORD, true)).router(vertx)
                        .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
                Router root = Router.router(vertx);
                root.route("/app/*").handler(rc -> {
                    if ("Bearer host-token".equals(rc.request().getHeader("Authorization"))) {
                        rc.next();
                    } else {
                        rc.response().setStatusCode(401).end();
                    }
                });
                root.get("/app/status").handler(rc -> rc.response().end("host ok"));
                root.route("/es/*").subRouter(anomalykit.router());
                HttpServer http = vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1")
                        .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> http.close()
                        .compose(ignored -> anomalykit.close()).eventually(vertx::close)));
                url = "http://127.0.0.1:" + http.actualPort();
            } catch (Exception e) {
                throw new IllegalStateException("the host application did not start", e);
            }
        }
        return url;
    }
}
