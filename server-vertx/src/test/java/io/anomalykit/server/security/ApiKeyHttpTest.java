package io.anomalykit.server.security;

import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** API keys: issued once, narrowed by role descriptors, expiring, invalidated, kept hashed across restarts. */
class ApiKeyHttpTest {

    private static final String RECORDS = "/_ml/anomaly_detectors/it-ops-kpi/results/records";
    private static final String INFLUENCERS = "/_ml/anomaly_detectors/it_ops_new_kpi/results/influencers";
    private static final String ONE_JOB = "{\"name\":\"one-job\",\"role_descriptors\":{\"reader\":{\"cluster\":[\"monitor_ml\"],"
            + "\"indices\":[{\"names\":[\".ml-anomalies-it-ops-kpi\"],\"privileges\":[\"read\"]}]}}}";

    @TempDir
    Path data;

    /** A server over this test's directory, which outlives it, so a restart reopens the same store. */
    private TestServer start(Path realm) {
        return TestServer.withDemoData(data, new SecuritySettings(true, realm, TestServer.ELASTIC_PASSWORD, true));
    }

    @Test
    void aKeyNarrowedToOneJobReadsThatJobOnlyAndSurvivesARestartUntilInvalidated() throws Exception {
        String su = TestServer.SUPERUSER_AUTHORIZATION;
        TestServer server = start(null);
        String key;
        String id;
        try {
            Answer created = server.send("POST", "/_security/api_key", ONE_JOB, "application/json", su);
            assertThat(created.status()).as(created.body()).isEqualTo(200);
            id = created.json().get("id").asText();
            key = "ApiKey " + created.json().get("encoded").asText();
            assertThat(created.json().get("name").asText()).isEqualTo("one-job");

            assertThat(server.send("GET", RECORDS, null, "application/json", key).status()).isEqualTo(200);
            Answer otherJob = server.send("GET", INFLUENCERS, null, "application/json", key);
            assertThat(otherJob.status()).isEqualTo(403);
            assertThat(otherJob.json().at("/error/reason").asText()).isEqualTo("action [indices:data/read/search] is "
                    + "unauthorized for API key id [" + id + "] of user [elastic] on indices [.ml-anomalies-it_ops_new_kpi], "
                    + "this action is granted by the index privileges [read,all]");
            Answer createJob = server.send("PUT", "/_ml/anomaly_detectors/by-key", "{\"analysis_config\":{\"detectors\":"
                    + "[{\"function\":\"count\"}]},\"data_description\":{}}", "application/json", key);
            assertThat(createJob.status()).as("the key narrows even a superuser").isEqualTo(403);

            Answer who = server.send("GET", "/_security/_authenticate", null, "application/json", key);
            assertThat(who.json().get("username").asText()).isEqualTo("elastic");
            assertThat(who.json().get("authentication_type").asText()).isEqualTo("api_key");
            assertThat(who.json().at("/api_key/name").asText()).isEqualTo("one-job");

            String secret = created.json().get("api_key").asText();
            assertThat(server.securityStore().objects(ApiKeys.KIND).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS).toString()).as("only a hash of the secret is kept").doesNotContain(secret);
        } finally {
            server.close();
        }
        TestServer restarted = start(null);
        try {
            assertThat(restarted.send("GET", RECORDS, null, "application/json", key).status()).as("kept across a restart").isEqualTo(200);
            Answer invalidated = restarted.send("DELETE", "/_security/api_key", "{\"ids\":[\"" + id + "\"]}", "application/json", su);
            assertThat(invalidated.json().get("invalidated_api_keys").toString()).isEqualTo("[\"" + id + "\"]");
            Answer again = restarted.send("DELETE", "/_security/api_key", "{\"name\":\"one-job\"}", "application/json", su);
            assertThat(again.json().get("previously_invalidated_api_keys").toString()).isEqualTo("[\"" + id + "\"]");
            Answer refused = restarted.send("GET", RECORDS, null, "application/json", key);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.json().at("/error/reason").asText())
                    .isEqualTo("unable to authenticate with provided credentials and anonymous access is not allowed for "
                            + "this request");
        } finally {
            restarted.close();
        }
    }

    @Test
    void keysExpireAndOnlyKeyManagersMayCreateThem() throws Exception {
        Path realm = Files.createTempDirectory("anomalykit-keys");
        Files.writeString(realm.resolve("users"), "ml-user:" + Security.hash("ml-user-pw") + "\n");
        Files.writeString(realm.resolve("users_roles"), "machine_learning_user:ml-user\n");
        TestServer server = start(realm);
        try {
            Answer mlUser = server.send("POST", "/_security/api_key", "{\"name\":\"mine\"}", "application/json",
                    TestServer.basic("ml-user", "ml-user-pw"));
            assertThat(mlUser.status()).isEqualTo(403);
            assertThat(mlUser.json().at("/error/reason").asText()).contains("action [cluster:admin/xpack/security/api_key/create]");
            Answer noName = server.send("POST", "/_security/api_key", "{}", "application/json", TestServer.SUPERUSER_AUTHORIZATION);
            assertThat(noName.status()).isEqualTo(400);
            Answer shortLived = server.send("POST", "/_security/api_key", "{\"name\":\"brief\",\"expiration\":\"1s\"}", "application/json",
                    TestServer.SUPERUSER_AUTHORIZATION);
            String key = "ApiKey " + shortLived.json().get("encoded").asText();
            assertThat(shortLived.json().get("expiration").asLong()).isGreaterThan(System.currentTimeMillis() - 5_000);
            long deadline = System.nanoTime() + 15_000_000_000L;
            int status = server.send("GET", RECORDS, null, "application/json", key).status();
            while (status == 200 && System.nanoTime() < deadline) {
                status = server.send("GET", RECORDS, null, "application/json", key).status();
            }
            assertThat(status).as("the key expires").isEqualTo(401);
            assertThat(server.send("GET", RECORDS, null, "application/json", "ApiKey bm90LWEta2V5").status()).isEqualTo(401);
        } finally {
            server.close();
        }
    }
}
