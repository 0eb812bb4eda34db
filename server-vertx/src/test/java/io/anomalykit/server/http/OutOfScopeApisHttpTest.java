package io.anomalykit.server.http;

import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The machine learning and security APIs Elasticsearch 8.19 has but this server does not offer (routes of the ML plugin's
 * {@code RestOpenJobAction}, {@code RestCloseJobAction}, {@code RestGetJobStatsAction}, {@code RestPostJobUpdateAction},
 * {@code RestGetModelSnapshotsAction}, {@code RestPutDatafeedAction}, {@code RestGetBucketsAction}, …; of the security
 * plugin's {@code RestPutPrivilegesAction}, {@code RestHasPrivilegesAction}, {@code RestQueryRoleAction}, …) are refused,
 * naming the API, rather than answered "no handler found" as if the path did not exist.
 */
class OutOfScopeApisHttpTest {

    private static final String ML = "is not offered by this server: of the machine learning APIs it serves only "
            + "anomaly detection job create, get and delete and the records and influencers results";
    private static final String SECURITY = "is not offered by this server: of the security APIs it serves only "
            + "_authenticate, users, roles and API keys";

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.empty();
        Answer created = server.send("PUT", "/_ml/anomaly_detectors/kpi", "{\"analysis_config\":{\"detectors\":"
                + "[{\"function\":\"count\"}]},\"data_description\":{}}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void assertRefused(String method, String path, String named) {
        assertRefused(method, path, named, ML);
    }

    private void assertRefused(String method, String path, String named, String offered) {
        Answer answer = server.send(method, path, method.equals("GET") || method.equals("DELETE") ? null : "{}");
        assertThat(answer.status()).as(method + " " + path + " " + answer.body()).isEqualTo(400);
        assertThat(answer.errorType()).isEqualTo("illegal_argument_exception");
        assertThat(answer.errorReason()).isEqualTo("[" + method + " " + named + "] " + offered);
    }

    @Test
    void outOfScopeApisAreRefusedByName() {
        assertRefused("POST", "/_ml/anomaly_detectors/kpi/_open", "/_ml/anomaly_detectors/kpi/_open");
        assertRefused("POST", "/_ml/anomaly_detectors/kpi/_close?force=true", "/_ml/anomaly_detectors/kpi/_close");
        assertRefused("POST", "/_ml/anomaly_detectors/kpi/_update", "/_ml/anomaly_detectors/kpi/_update");
        assertRefused("GET", "/_ml/anomaly_detectors/kpi/_stats", "/_ml/anomaly_detectors/kpi/_stats");
        assertRefused("GET", "/_ml/anomaly_detectors/_stats", "/_ml/anomaly_detectors/_stats");
        assertRefused("GET", "/_ml/anomaly_detectors/kpi/model_snapshots", "/_ml/anomaly_detectors/kpi/model_snapshots");
        assertRefused("POST", "/_ml/anomaly_detectors/kpi/model_snapshots/1/_revert",
                "/_ml/anomaly_detectors/kpi/model_snapshots/1/_revert");
        assertRefused("GET", "/_ml/anomaly_detectors/kpi/results/buckets", "/_ml/anomaly_detectors/kpi/results/buckets");
        assertRefused("POST", "/_ml/anomaly_detectors/_validate", "/_ml/anomaly_detectors/_validate");
        assertRefused("PUT", "/_ml/datafeeds/feed", "/_ml/datafeeds/feed");
        assertRefused("GET", "/_ml/datafeeds", "/_ml/datafeeds");
        assertRefused("POST", "/_ml/datafeeds/feed/_start", "/_ml/datafeeds/feed/_start");
    }

    @Test
    void outOfScopeSecurityApisAreRefusedByNameAndNeverTakenForAUserName() {
        assertRefused("PUT", "/_security/privilege", "/_security/privilege", SECURITY);
        assertRefused("GET", "/_security/privilege/myapp/read", "/_security/privilege/myapp/read", SECURITY);
        assertRefused("POST", "/_security/_query/role", "/_security/_query/role", SECURITY);
        assertRefused("POST", "/_security/role", "/_security/role", SECURITY);
        assertRefused("GET", "/_security/user/_privileges", "/_security/user/_privileges", SECURITY);
        assertRefused("POST", "/_security/user/_has_privileges", "/_security/user/_has_privileges", SECURITY);
        assertThat(server.send("GET", "/_security/user/_has_privileges", null).errorReason())
                .as("RestController prefers the literal path: not a user named _has_privileges")
                .isEqualTo("[GET /_security/user/_has_privileges] " + SECURITY);
        assertThat(server.send("GET", "/_security/role", null).status()).as("the role listing is still served")
                .isEqualTo(200);
        assertThat(server.send("DELETE", "/_security/privilege", null).status()).as("no such route in Elasticsearch")
                .isEqualTo(405);
        assertRefused("PUT", "/_cluster/settings", "/_cluster/settings", "is not offered by this server: of the cluster "
                + "APIs it serves only GET / and _cluster/health");
        assertRefused("PUT", "/test_index", "/test_index", "is not offered by this server: of the index APIs it serves "
                + "only deleting a results index, _refresh and _count; a results index comes into being with its first "
                + "document");
        assertThat(server.send("PUT", "/_bulk", "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"1\"}}\n"
                + "{\"job_id\":\"kpi\"}\n").status()).as("one-segment served routes come first").isEqualTo(200);
    }

    @Test
    void wrongMethodsAndUnknownPathsAreAnsweredAsElasticsearchAnswersThem() {
        Answer wrongMethod = server.send("GET", "/_ml/anomaly_detectors/kpi/_open", null);
        assertThat(wrongMethod.status()).as("RestController: a known path with another method is 405").isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("POST");

        Answer unknown = server.send("POST", "/_ml/anomaly_detectors/kpi/_unknown", "{}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).as("a path Elasticsearch does not have either")
                .startsWith("no handler found for uri [/_ml/anomaly_detectors/kpi/_unknown]");

        Answer job = server.send("GET", "/_ml/anomaly_detectors/kpi", null);
        assertThat(job.status()).as("the job APIs are still served").isEqualTo(200);
        assertThat(job.json().at("/jobs/0/job_id").asText()).isEqualTo("kpi");
    }
}
