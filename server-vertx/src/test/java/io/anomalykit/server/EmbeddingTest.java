package io.anomalykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.http.EndpointGroup;
import io.anomalykit.server.security.SecuritySettings;
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
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Vert.x application hosts the APIs on its own router under {@code /es}, beside its own routes and its own
 * authentication, on its own Vert.x: every realm, the error bodies and messages work under the prefix as at the root.
 */
class EmbeddingTest {

    private static final String HOST_TOKEN = "Bearer host-token";

    @TempDir
    Path data;

    private final HttpClient client = HttpClient.newHttpClient();

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private HttpResponse<String> send(String method, String url, String authorization, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).method(method,
                body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The host's app: its own bearer-token auth on its own routes, anomalykit under {@code /es}. */
    private HttpServer host(Vertx vertx, AnomalyRouter anomalykit) throws Exception {
        Router root = Router.router(vertx);
        root.route("/host/*").handler(rc -> {
            if (HOST_TOKEN.equals(rc.request().getHeader("Authorization"))) {
                rc.next();
            } else {
                rc.response().setStatusCode(401).end("host says no");
            }
        });
        root.get("/host/hello").handler(rc -> rc.response().end("host ok"));
        root.route("/es/*").subRouter(anomalykit.router());
        return await(vertx.createHttpServer().requestHandler(root).listen(0, "127.0.0.1"));
    }

    @Test
    void mountedUnderAPrefixBesideTheHostsOwnRoutesAndAuth() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AnomalyRouter anomalykit = await(AnomalyServer.builder().dataDirectory(data).demo(true)
                    .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).router(vertx));
            HttpServer http = host(vertx, anomalykit);
            String base = "http://127.0.0.1:" + http.actualPort();

            assertThat(send("GET", base + "/host/hello", HOST_TOKEN, null).body()).isEqualTo("host ok");
            assertThat(send("GET", base + "/host/hello", TestServer.SUPERUSER_AUTHORIZATION, null).statusCode())
                    .isEqualTo(401);

            HttpResponse<String> records = send("GET", base
                    + "/es/_ml/anomaly_detectors/it-ops-kpi/results/records?start=1454944100000&size=1",
                    TestServer.SUPERUSER_AUTHORIZATION, null);
            JsonNode body = TestServer.JSON.readTree(records.body());
            assertThat(body.get("count").asLong()).isEqualTo(12);
            assertThat(body.at("/records/0/record_score").asDouble()).isEqualTo(72.9929);

            // Messages name the path as Elasticsearch would see it, without the host's prefix.
            HttpResponse<String> anonymous = send("GET", base + "/es/_ml/anomaly_detectors/it-ops-kpi/results/buckets",
                    null, null);
            assertThat(anonymous.statusCode()).isEqualTo(401);
            assertThat(TestServer.JSON.readTree(anonymous.body()).at("/error/reason").asText()).isEqualTo(
                    "missing authentication credentials for REST request [/_ml/anomaly_detectors/it-ops-kpi/results/buckets]");
            HttpResponse<String> unknown = send("GET", base + "/es/_nothing_here?pretty", TestServer.SUPERUSER_AUTHORIZATION,
                    null);
            assertThat(unknown.statusCode()).isEqualTo(400);
            assertThat(unknown.body()).contains("no handler found for uri [/_nothing_here?pretty] and method [GET]");
            HttpResponse<String> wrongMethod = send("DELETE", base + "/es/_bulk", TestServer.SUPERUSER_AUTHORIZATION, null);
            assertThat(wrongMethod.statusCode()).isEqualTo(405);
            assertThat(wrongMethod.body()).contains("Incorrect HTTP method for uri [/_bulk] and method [DELETE]");
            HttpResponse<String> info = send("GET", base + "/es/", TestServer.SUPERUSER_AUTHORIZATION, null);
            assertThat(TestServer.JSON.readTree(info.body()).at("/tagline").asText()).isEqualTo("You Know, for Search");

            // The native realm and API keys work under the prefix: a user made there logs in there.
            assertThat(send("PUT", base + "/es/_security/user/analyst", TestServer.SUPERUSER_AUTHORIZATION,
                    "{\"password\":\"analyst-password\",\"roles\":[\"superuser\"]}").statusCode()).isEqualTo(200);
            HttpResponse<String> whoami = send("GET", base + "/es/_security/_authenticate",
                    TestServer.basic("analyst", "analyst-password"), null);
            assertThat(TestServer.JSON.readTree(whoami.body()).at("/authentication_realm/type").asText()).isEqualTo("native");
            HttpResponse<String> key = send("POST", base + "/es/_security/api_key", TestServer.SUPERUSER_AUTHORIZATION,
                    "{\"name\":\"hosted\"}");
            String encoded = TestServer.JSON.readTree(key.body()).at("/encoded").asText();
            assertThat(send("GET", base + "/es/_security/_authenticate", "ApiKey " + encoded, null).statusCode())
                    .isEqualTo(200);

            // The health check needs no credentials, neither the host's nor anomalykit's.
            HttpResponse<String> health = send("GET", base + "/es/_anomalykit/health", null, null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(TestServer.JSON.readTree(health.body()).at("/status").asText()).isEqualTo("UP");

            await(http.close());
            await(anomalykit.close());
        } finally {
            await(vertx.close());
        }
    }

    @Test
    void aHostServesOnlyTheGroupsItPicks() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            AnomalyRouter anomalykit = await(AnomalyServer.builder().dataDirectory(data).demo(true)
                    .security(SecuritySettings.off()).endpoints(Set.of(EndpointGroup.RESULTS)).router(vertx));
            HttpServer http = host(vertx, anomalykit);
            String base = "http://127.0.0.1:" + http.actualPort();
            assertThat(send("GET", base + "/es/_ml/anomaly_detectors/it-ops-kpi/results/records", null, null)
                    .statusCode()).isEqualTo(200);
            HttpResponse<String> bulk = send("POST", base + "/es/_bulk", null, "{}\n");
            assertThat(bulk.statusCode()).isEqualTo(400);
            assertThat(bulk.body()).contains("no handler found for uri [/_bulk] and method [POST]");
            assertThat(send("GET", base + "/es/_security/user/elastic", null, null).body())
                    .contains("no handler found for uri [/_security/user/elastic]");
            await(http.close());
            await(anomalykit.close());
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
