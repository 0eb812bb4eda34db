package io.anomalykit.server;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AnomalyVerticle} deployed by a host with a JSON config and several instances: one port, one set of stores
 * opened once and shared (a user made through one instance logs in through another), closed when the last stops.
 */
class VerticleTest {

    @TempDir
    Path data;

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int status(String url, String authorization) throws Exception {
        // A new client per request: a new connection, which Vert.x gives to the next instance in turn.
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void severalInstancesShareOnePortAndOneStore() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            int port = freePort();
            JsonObject config = new JsonObject().put("port", port).put("data", data.toString()).put("demo", true)
                    .put("elastic_password", TestServer.ELASTIC_PASSWORD);
            String deployment = await(vertx.deployVerticle(AnomalyVerticle.class,
                    new DeploymentOptions().setConfig(config).setInstances(2)));
            String base = "http://127.0.0.1:" + port;
            assertThat(status(base + "/_ml/anomaly_detectors/it-ops-kpi/results/records",
                    TestServer.SUPERUSER_AUTHORIZATION)).isEqualTo(200);
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(base + "/_security/user/analyst")).header("Authorization", TestServer.SUPERUSER_AUTHORIZATION)
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                            "{\"password\":\"analyst-password\",\"roles\":[\"superuser\"]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
            Set<Integer> statuses = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                statuses.add(status(base + "/_security/_authenticate", TestServer.basic("analyst", "analyst-password")));
            }
            assertThat(statuses).containsExactly(200);

            await(vertx.undeploy(deployment));
            // The store was closed with the last instance: a new deployment opens the same directory again.
            String again = await(vertx.deployVerticle(AnomalyVerticle.class,
                    new DeploymentOptions().setConfig(config).setInstances(1)));
            assertThat(status(base + "/_security/_authenticate", TestServer.basic("analyst", "analyst-password")))
                    .isEqualTo(200);
            await(vertx.undeploy(again));
        } finally {
            await(vertx.close());
        }
    }

    @Test
    void theServerServesOnSeveralEventLoopsOnOnePort() throws Exception {
        AnomalyServer server = await(AnomalyServer.builder().port(0).dataDirectory(data).demo(true).eventLoops(2)
                .security(io.anomalykit.server.security.SecuritySettings.off()).start());
        try {
            for (int i = 0; i < 4; i++) {
                assertThat(status("http://127.0.0.1:" + server.port()
                        + "/_ml/anomaly_detectors/it-ops-kpi/results/records", null)).isEqualTo(200);
            }
        } finally {
            await(server.close());
        }
    }
}
