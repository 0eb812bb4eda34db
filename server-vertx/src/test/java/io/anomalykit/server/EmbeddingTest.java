package io.anomalykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.http.AnomalyRoutes;
import io.anomalykit.server.http.EmulatedVersion;
import io.anomalykit.server.security.Security;
import io.anomalykit.server.security.SecuritySettings;
import io.anomalykit.server.write.Fixtures;
import io.anomalykit.server.store.LuceneResultsStore;
import io.anomalykit.server.store.ResultsStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A Vert.x application hosts the APIs on its own router, beside its own routes, on its own Vert.x. */
class EmbeddingTest {

    @TempDir
    Path data;

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void routesMountOnTheHostsRouter() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            ResultsStore store = await(LuceneResultsStore.open(vertx, data, 1000));
            await(Fixtures.loadDemo(store, System.currentTimeMillis(), EmulatedVersion.DEFAULT.number()));
            Router router = Router.router(vertx);
            router.get("/host/health").handler(rc -> rc.response().end("host ok"));
            // The host authenticates on its own here, so the routes are mounted with security explicitly off.
            AnomalyRoutes.mount(router, store, Security.load(SecuritySettings.off()), Clock.systemUTC(), false);
            HttpServer http = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + http.actualPort();

            HttpResponse<String> own = client.send(HttpRequest.newBuilder(URI.create(base + "/host/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(own.body()).isEqualTo("host ok");
            HttpResponse<String> records = client.send(HttpRequest.newBuilder(URI.create(base
                    + "/_ml/anomaly_detectors/it-ops-kpi/results/records?start=1454944100000&size=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = TestServer.JSON.readTree(records.body());
            assertThat(body.get("count").asLong()).isEqualTo(12);
            assertThat(body.at("/records/0/record_score").asDouble()).isEqualTo(72.9929);

            await(http.close());
            await(store.close());
        } finally {
            await(vertx.close());
        }
    }

    @Test
    void theBuilderRunsOnTheHostsVertxAndLeavesItRunning() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AnomalyServer server = await(AnomalyServer.builder().vertx(vertx).port(0).dataDirectory(data)
                    .security(SecuritySettings.off()).start());
            assertThat(server.port()).isPositive();
            await(server.close());
            assertThat(await(vertx.executeBlocking(() -> "still running"))).isEqualTo("still running");
        } finally {
            await(vertx.close());
        }
    }
}
