package io.anomalykit.server.security;

import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Users and roles through Elasticsearch's security APIs, kept in the store. */
class NativeRealmHttpTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String RECORDS = "/_ml/anomaly_detectors/it-ops-kpi/results/records";

    @TempDir
    Path data;

    private AnomalyServer start() throws Exception {
        return AnomalyServer.builder().port(0).dataDirectory(data).demo(true)
                .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    private static void stop(AnomalyServer server) throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    private record Reply(int status, String body) {
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
        return new Reply(response.statusCode(), response.body());
    }

    @Test
    void usersAndRolesAreManagedThroughTheApisAndSurviveARestart() throws Exception {
        String su = TestServer.SUPERUSER_AUTHORIZATION;
        String alice = TestServer.basic("alice", "alice-password");
        AnomalyServer server = start();
        try {
            String role = "{\"cluster\":[\"monitor_ml\"],\"indices\":[{\"names\":[\".ml-anomalies-*\"],\"privileges\":[\"read\"]}]}";
            assertThat(send(server, "PUT", "/_security/role/reader", role, su).body()).isEqualTo("{\"role\":{\"created\":true}}");
            assertThat(send(server, "PUT", "/_security/role/reader", role, su).body()).isEqualTo("{\"role\":{\"created\":false}}");
            assertThat(send(server, "PUT", "/_security/user/alice", "{\"password\":\"alice-password\",\"roles\":[\"reader\"],"
                    + "\"full_name\":\"Alice\"}", su).body()).isEqualTo("{\"created\":true}");

            assertThat(send(server, "GET", RECORDS, null, alice).status()).isEqualTo(200);
            Reply createJob = send(server, "PUT", "/_ml/anomaly_detectors/alices-job", "{\"analysis_config\":{\"detectors\":"
                    + "[{\"function\":\"count\"}]},\"data_description\":{}}", alice);
            assertThat(createJob.status()).isEqualTo(403);
            assertThat(createJob.body()).contains("with effective roles [reader]");
            Reply createUser = send(server, "PUT", "/_security/user/mallory", "{\"password\":\"mallory-pw\",\"roles\":"
                    + "[\"superuser\"]}", alice);
            assertThat(createUser.status()).as("only manage_security may create users").isEqualTo(403);
            assertThat(createUser.body()).contains("action [cluster:admin/xpack/security/user/put]");

            Reply shown = send(server, "GET", "/_security/user/alice", null, su);
            assertThat(shown.body()).contains("\"roles\":[\"reader\"]").contains("\"full_name\":\"Alice\"")
                    .doesNotContain("password");
            assertThat(send(server, "GET", "/_security/user/nobody", null, su).status()).isEqualTo(404);
            assertThat(send(server, "GET", "/_security/role/reader", null, su).body()).contains("monitor_ml");
        } finally {
            stop(server);
        }
        AnomalyServer restarted = start();
        try {
            assertThat(send(restarted, "GET", RECORDS, null, alice).status()).as("kept across a restart").isEqualTo(200);
            assertThat(send(restarted, "PUT", "/_security/user/alice/_password", "{\"password\":\"new-password\"}", su)
                    .status()).isEqualTo(200);
            assertThat(send(restarted, "GET", RECORDS, null, alice).status()).as("the old password").isEqualTo(401);
            assertThat(send(restarted, "GET", RECORDS, null, TestServer.basic("alice", "new-password")).status())
                    .isEqualTo(200);
            assertThat(send(restarted, "DELETE", "/_security/role/reader", null, su).body()).isEqualTo("{\"found\":true}");
            Reply roleGone = send(restarted, "GET", RECORDS, null, TestServer.basic("alice", "new-password"));
            assertThat(roleGone.status()).isEqualTo(403);
            assertThat(roleGone.body()).contains("(assigned roles [reader] were not found)");
            assertThat(send(restarted, "DELETE", "/_security/user/alice", null, su).body()).isEqualTo("{\"found\":true}");
            assertThat(send(restarted, "DELETE", "/_security/user/alice", null, su).status()).isEqualTo(404);
            assertThat(send(restarted, "GET", RECORDS, null, TestServer.basic("alice", "new-password")).status())
                    .isEqualTo(401);
        } finally {
            stop(restarted);
        }
    }

    @Test
    void invalidUsersAndRolesAreRefusedAsElasticsearchRefusesThem() throws Exception {
        String su = TestServer.SUPERUSER_AUTHORIZATION;
        AnomalyServer server = start();
        try {
            Reply reserved = send(server, "PUT", "/_security/user/elastic", "{\"password\":\"whatever1\"}", su);
            assertThat(reserved.status()).isEqualTo(400);
            assertThat(reserved.body()).contains("user [elastic] is reserved");
            Reply shortPassword = send(server, "PUT", "/_security/user/bob", "{\"password\":\"abc\"}", su);
            assertThat(shortPassword.status()).isEqualTo(400);
            assertThat(shortPassword.body()).contains("passwords must be at least [6] characters long");
            Reply noPassword = send(server, "PUT", "/_security/user/bob", "{\"roles\":[]}", su);
            assertThat(noPassword.body()).contains("password must be specified");
            Reply badRole = send(server, "PUT", "/_security/role/bad", "{\"cluster\":[\"root_everything\"]}", su);
            assertThat(badRole.status()).isEqualTo(400);
            assertThat(badRole.body()).contains("unknown cluster privilege [root_everything]");
            Reply builtIn = send(server, "PUT", "/_security/role/superuser", "{\"cluster\":[]}", su);
            assertThat(builtIn.body()).contains("role [superuser] is reserved");
        } finally {
            stop(server);
        }
    }
}
