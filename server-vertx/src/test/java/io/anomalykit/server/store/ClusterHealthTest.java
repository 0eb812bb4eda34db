package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.security.SecuritySettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health over the cluster store, against a real OpenSearch node behind a proxy the test cuts and restores:
 * {@code /_anomalykit/health} turns DOWN (503) when the node cannot be reached and UP again when it can, and
 * {@code _cluster/health} turns red and green with it, answered 200 either way (Elasticsearch's
 * {@code ClusterHealthResponse.status()}: 408 only on a timed-out wait).
 */
class ClusterHealthTest {

    private static OpenSearchNodeProcess node;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startNode() throws Exception {
        Optional<Path> classpath = OpenSearchNodeProcess.builtClasspath();
        Assumptions.assumeTrue(classpath.isPresent(), "the opensearch-node module has not been built");
        node = OpenSearchNodeProcess.start(classpath.get(), Files.createTempDirectory("anomalykit-opensearch"), "1g");
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    private HttpResponse<String> get(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls the health check until it answers the status wanted, within a minute; returns that answer. */
    private HttpResponse<String> awaitHealth(String base, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        HttpResponse<String> health = get(base + "/_anomalykit/health", null);
        while (health.statusCode() != status && System.nanoTime() < deadline) {
            health = get(base + "/_anomalykit/health", null);
        }
        assertThat(health.statusCode()).as(health.body()).isEqualTo(status);
        return health;
    }

    @Test
    void healthFollowsTheReachabilityOfTheClusterStore() throws Exception {
        try (CuttableProxy proxy = new CuttableProxy(node.url())) {
            AnomalyServer server = AnomalyServer.builder().port(0)
                    .clusterStore(ClusterSettings.of(proxy.url()))
                    .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).start()
                    .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            try {
                String base = "http://127.0.0.1:" + server.port();
                JsonNode up = TestServer.JSON.readTree(awaitHealth(base, 200).body());
                assertThat(up.get("status").asText()).isEqualTo("UP");
                assertThat(up.at("/checks/0/id").asText()).isEqualTo("results_store");
                assertThat(clusterStatus(base)).isEqualTo("green");

                proxy.cut();
                JsonNode down = TestServer.JSON.readTree(awaitHealth(base, 503).body());
                assertThat(down.get("status").asText()).isEqualTo("DOWN");
                assertThat(down.at("/checks/0/status").asText()).isEqualTo("DOWN");
                // Nothing about the store beyond its state: no address, no message.
                assertThat(down.toString()).doesNotContain("127.0.0.1").doesNotContain(Integer.toString(proxy.url().getPort()));
                assertThat(clusterStatus(base)).isEqualTo("red");

                proxy.restore();
                JsonNode again = TestServer.JSON.readTree(awaitHealth(base, 200).body());
                assertThat(again.get("status").asText()).isEqualTo("UP");
                assertThat(clusterStatus(base)).isEqualTo("green");
            } finally {
                server.close().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            }
        }
    }

    private String clusterStatus(String base) throws Exception {
        HttpResponse<String> health = get(base + "/_cluster/health", TestServer.SUPERUSER_AUTHORIZATION);
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        return TestServer.JSON.readTree(health.body()).get("status").asText();
    }
}
