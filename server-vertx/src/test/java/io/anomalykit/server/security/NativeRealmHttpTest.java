package io.anomalykit.server.security;

import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Users and roles through Elasticsearch's security APIs, kept in the store. */
class NativeRealmHttpTest {

    private static final String RECORDS = "/_ml/anomaly_detectors/it-ops-kpi/results/records";

    @TempDir
    Path data;

    /** A server over this test's directory, which outlives it, so a restart reopens the same store. */
    private TestServer start() {
        return TestServer.withDemoData(data, new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true));
    }

    @Test
    void usersAndRolesAreManagedThroughTheApisAndSurviveARestart() {
        String su = TestServer.SUPERUSER_AUTHORIZATION;
        String alice = TestServer.basic("alice", "alice-password");
        TestServer server = start();
        try {
            String role = "{\"cluster\":[\"monitor_ml\"],\"indices\":[{\"names\":[\".ml-anomalies-*\"],\"privileges\":[\"read\"]}]}";
            assertThat(server.send("PUT", "/_security/role/reader", role, "application/json", su).body())
                    .isEqualTo("{\"role\":{\"created\":true}}");
            assertThat(server.send("PUT", "/_security/role/reader", role, "application/json", su).body())
                    .isEqualTo("{\"role\":{\"created\":false}}");
            assertThat(server.send("PUT", "/_security/user/alice", "{\"password\":\"alice-password\",\"roles\":[\"reader\"],"
                    + "\"full_name\":\"Alice\"}", "application/json", su).body()).isEqualTo("{\"created\":true}");

            assertThat(server.send("GET", RECORDS, null, "application/json", alice).status()).isEqualTo(200);
            Answer createJob = server.send("PUT", "/_ml/anomaly_detectors/alices-job", "{\"analysis_config\":{\"detectors\":"
                    + "[{\"function\":\"count\"}]},\"data_description\":{}}", "application/json", alice);
            assertThat(createJob.status()).isEqualTo(403);
            assertThat(createJob.body()).contains("with effective roles [reader]");
            Answer createUser = server.send("PUT", "/_security/user/mallory", "{\"password\":\"mallory-pw\",\"roles\":"
                    + "[\"superuser\"]}", "application/json", alice);
            assertThat(createUser.status()).as("only manage_security may create users").isEqualTo(403);
            assertThat(createUser.body()).contains("action [cluster:admin/xpack/security/user/put]");

            Answer shown = server.send("GET", "/_security/user/alice", null, "application/json", su);
            assertThat(shown.body()).contains("\"roles\":[\"reader\"]").contains("\"full_name\":\"Alice\"")
                    .doesNotContain("password");
            assertThat(server.send("GET", "/_security/user/nobody", null, "application/json", su).status()).isEqualTo(404);
            assertThat(server.send("GET", "/_security/role/reader", null, "application/json", su).body()).contains("monitor_ml");
        } finally {
            server.close();
        }
        TestServer restarted = start();
        try {
            assertThat(restarted.send("GET", RECORDS, null, "application/json", alice).status()).as("kept across a restart").isEqualTo(200);
            assertThat(restarted.send("PUT", "/_security/user/alice/_password", "{\"password\":\"new-password\"}", "application/json", su)
                    .status()).isEqualTo(200);
            assertThat(restarted.send("GET", RECORDS, null, "application/json", alice).status()).as("the old password").isEqualTo(401);
            assertThat(restarted.send("GET", RECORDS, null, "application/json", TestServer.basic("alice", "new-password")).status())
                    .isEqualTo(200);
            assertThat(restarted.send("DELETE", "/_security/role/reader", null, "application/json", su).body())
                    .isEqualTo("{\"found\":true}");
            Answer roleGone = restarted.send("GET", RECORDS, null, "application/json", TestServer.basic("alice", "new-password"));
            assertThat(roleGone.status()).isEqualTo(403);
            assertThat(roleGone.body()).contains("(assigned roles [reader] were not found)");
            assertThat(restarted.send("DELETE", "/_security/user/alice", null, "application/json", su).body())
                    .isEqualTo("{\"found\":true}");
            assertThat(restarted.send("DELETE", "/_security/user/alice", null, "application/json", su).status()).isEqualTo(404);
            assertThat(restarted.send("GET", RECORDS, null, "application/json", TestServer.basic("alice", "new-password")).status())
                    .isEqualTo(401);
        } finally {
            restarted.close();
        }
    }

    @Test
    void invalidUsersAndRolesAreRefusedAsElasticsearchRefusesThem() {
        String su = TestServer.SUPERUSER_AUTHORIZATION;
        TestServer server = start();
        try {
            Answer reserved = server.send("PUT", "/_security/user/elastic", "{\"password\":\"whatever1\",\"roles\":[]}", "application/json", su);
            assertThat(reserved.status()).isEqualTo(400);
            assertThat(reserved.body()).contains("user [elastic] is reserved");
            Answer shortPassword = server.send("PUT", "/_security/user/bob", "{\"password\":\"abc\"}", "application/json", su);
            assertThat(shortPassword.status()).isEqualTo(400);
            assertThat(shortPassword.body()).contains("passwords must be at least [6] characters long");
            Answer noPassword = server.send("PUT", "/_security/user/bob", "{\"roles\":[]}", "application/json", su);
            assertThat(noPassword.body()).contains("password must be specified");
            Answer badRole = server.send("PUT", "/_security/role/bad", "{\"cluster\":[\"root_everything\"]}", "application/json", su);
            assertThat(badRole.status()).isEqualTo(400);
            assertThat(badRole.body()).contains("unknown cluster privilege [root_everything]. a privilege must be either one of "
                    + "the predefined cluster privilege names [");
            Answer builtIn = server.send("PUT", "/_security/role/superuser", "{\"cluster\":[]}", "application/json", su);
            assertThat(builtIn.body()).contains("Role [superuser] is reserved and may not be used.");
        } finally {
            server.close();
        }
    }
}
