package io.anomalykit.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** API keys: issued once, narrowed by role descriptors, expiring, invalidated, kept hashed across restarts. */
class ApiKeyHttpTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String RECORDS = "/_ml/anomaly_detectors/it-ops-kpi/results/records";
    private static final String INFLUENCERS = "/_ml/anomaly_detectors/it_ops_new_kpi/results/influencers";
    private static final String ONE_JOB = "{\"name\":\"one-job\",\"role_descriptors\":{\"reader\":{\"cluster\":[\"monitor_ml\"],"
            + "\"indices\":[{\"names\":[\".ml-anomalies-it-ops-kpi\"],\"privileges\":[\"read\"]}]}}}";

    @TempDir
    Path data;

    private record Reply(int status, JsonNode json, String body) {
    }

    private AnomalyServer start(Path realm) throws Exception {
        return AnomalyServer.builder().port(0).dataDirectory(data).demo(true)
                .security(new SecuritySettings(true, realm, TestServer.ELASTIC_PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    private static Reply send(AnomalyServer server, String method, String path, String body, String authorization)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", authorization);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), response.body().isEmpty() ? null : TestServer.JSON.readTree(response.body()),
                response.body());
    }

    @Test
    void aKeyNarrowedToOneJobReadsThatJobOnlyAndSurvivesARestartUntilInvalidated() throws Exception {
        String su = TestServer.SUPERUSER_AUTHORIZATION;
        AnomalyServer server = start(null);
        String key;
        String id;
        try {
            Reply created = send(server, "POST", "/_security/api_key", ONE_JOB, su);
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            id = created.json().get("id").asText();
            key = "ApiKey " + created.json().get("encoded").asText();
            assertThat(created.json().get("name").asText()).isEqualTo("one-job");

            assertThat(send(server, "GET", RECORDS, null, key).status()).isEqualTo(200);
            Reply otherJob = send(server, "GET", INFLUENCERS, null, key);
            assertThat(otherJob.status()).isEqualTo(403);
            assertThat(otherJob.json().at("/error/reason").asText()).isEqualTo("action [indices:data/read/search] is "
                    + "unauthorized for API key id [" + id + "] of user [elastic] on indices [.ml-anomalies-it_ops_new_kpi], "
                    + "this action is granted by the index privileges [read,all]");
            Reply createJob = send(server, "PUT", "/_ml/anomaly_detectors/by-key", "{\"analysis_config\":{\"detectors\":"
                    + "[{\"function\":\"count\"}]},\"data_description\":{}}", key);
            assertThat(createJob.status()).as("the key narrows even a superuser").isEqualTo(403);

            Reply who = send(server, "GET", "/_security/_authenticate", null, key);
            assertThat(who.json().get("username").asText()).isEqualTo("elastic");
            assertThat(who.json().get("authentication_type").asText()).isEqualTo("api_key");
            assertThat(who.json().at("/api_key/name").asText()).isEqualTo("one-job");

            String secret = created.json().get("api_key").asText();
            assertThat(server.store().securityObjects(ApiKeys.KIND).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS).toString()).as("only a hash of the secret is kept").doesNotContain(secret);
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
        AnomalyServer restarted = start(null);
        try {
            assertThat(send(restarted, "GET", RECORDS, null, key).status()).as("kept across a restart").isEqualTo(200);
            Reply invalidated = send(restarted, "DELETE", "/_security/api_key", "{\"ids\":[\"" + id + "\"]}", su);
            assertThat(invalidated.json().get("invalidated_api_keys").toString()).isEqualTo("[\"" + id + "\"]");
            Reply again = send(restarted, "DELETE", "/_security/api_key", "{\"name\":\"one-job\"}", su);
            assertThat(again.json().get("previously_invalidated_api_keys").toString()).isEqualTo("[\"" + id + "\"]");
            Reply refused = send(restarted, "GET", RECORDS, null, key);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.json().at("/error/reason").asText())
                    .isEqualTo("unable to authenticate with provided credentials and anonymous access is not allowed for "
                            + "this request");
        } finally {
            restarted.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void keysExpireAndOnlyKeyManagersMayCreateThem() throws Exception {
        Path realm = Files.createTempDirectory("anomalykit-keys");
        Files.writeString(realm.resolve("users"), "ml-user:" + Security.hash("ml-user-pw") + "\n");
        Files.writeString(realm.resolve("users_roles"), "machine_learning_user:ml-user\n");
        AnomalyServer server = start(realm);
        try {
            Reply mlUser = send(server, "POST", "/_security/api_key", "{\"name\":\"mine\"}",
                    TestServer.basic("ml-user", "ml-user-pw"));
            assertThat(mlUser.status()).isEqualTo(403);
            assertThat(mlUser.json().at("/error/reason").asText()).contains("action [cluster:admin/xpack/security/api_key/create]");
            Reply noName = send(server, "POST", "/_security/api_key", "{}", TestServer.SUPERUSER_AUTHORIZATION);
            assertThat(noName.status()).isEqualTo(400);
            Reply shortLived = send(server, "POST", "/_security/api_key", "{\"name\":\"brief\",\"expiration\":\"1s\"}",
                    TestServer.SUPERUSER_AUTHORIZATION);
            String key = "ApiKey " + shortLived.json().get("encoded").asText();
            assertThat(shortLived.json().get("expiration").asLong()).isGreaterThan(System.currentTimeMillis() - 5_000);
            long deadline = System.nanoTime() + 15_000_000_000L;
            int status = send(server, "GET", RECORDS, null, key).status();
            while (status == 200 && System.nanoTime() < deadline) {
                status = send(server, "GET", RECORDS, null, key).status();
            }
            assertThat(status).as("the key expires").isEqualTo(401);
            assertThat(send(server, "GET", RECORDS, null, "ApiKey bm90LWEta2V5").status()).isEqualTo(401);
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }
}
