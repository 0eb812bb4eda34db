package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET _ml/anomaly_detectors} with and without an expression, as {@code GetJobsAction} answers it:
 * {@code JobConfigProvider.expandJobs} with {@code ExpandedIdsMatcher} (exact ids and groups required, wildcards only
 * with {@code allow_no_match=false}; {@code _all}, {@code *} and nothing mean every job), jobs in id order.
 */
class JobListingHttpTest {

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.empty();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private void createJob(String id, String groups) {
        Answer created = server.send("PUT", "/_ml/anomaly_detectors/" + id, "{" + groups + "\"analysis_config\":{\"detectors\":"
                + "[{\"function\":\"count\"}]},\"data_description\":{}}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
    }

    private List<String> ids(String path) {
        Answer answer = server.send("GET", path, null);
        assertThat(answer.status()).as(path + " " + answer.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        answer.json().get("jobs").forEach(job -> ids.add(job.get("job_id").asText()));
        assertThat(answer.json().get("count").asInt()).isEqualTo(ids.size());
        return ids;
    }

    @Test
    void expressionsExpandAsElasticsearchExpandsThem() {
        createJob("beta", "");
        createJob("alpha-2", "\"groups\":[\"team\"],");
        createJob("alpha-1", "");
        assertThat(ids("/_ml/anomaly_detectors")).containsExactly("alpha-1", "alpha-2", "beta");
        assertThat(ids("/_ml/anomaly_detectors/_all")).containsExactly("alpha-1", "alpha-2", "beta");
        assertThat(ids("/_ml/anomaly_detectors/*")).containsExactly("alpha-1", "alpha-2", "beta");
        assertThat(ids("/_ml/anomaly_detectors/alpha-*")).containsExactly("alpha-1", "alpha-2");
        assertThat(ids("/_ml/anomaly_detectors/beta,alpha-1")).containsExactly("alpha-1", "beta");
        assertThat(ids("/_ml/anomaly_detectors/team")).as("a group names its jobs").containsExactly("alpha-2");
        assertThat(ids("/_ml/anomaly_detectors/missing-*")).as("a wildcard may match nothing").isEmpty();
        assertThat(ids("/_ml/anomaly_detectors/missing-*,beta")).containsExactly("beta");
        assertThat(ids("/_ml/anomaly_detectors/alpha-*?allow_no_match=false")).hasSize(2);

        Answer noMatch = server.send("GET", "/_ml/anomaly_detectors/missing-*?allow_no_match=false", null);
        assertThat(noMatch.status()).isEqualTo(404);
        assertThat(noMatch.errorType()).isEqualTo("resource_not_found_exception");
        assertThat(noMatch.errorReason()).isEqualTo("No known job with id 'missing-*'");
        Answer exact = server.send("GET", "/_ml/anomaly_detectors/nope", null);
        assertThat(exact.status()).as("an exact id must exist whatever allow_no_match says").isEqualTo(404);
        assertThat(exact.errorReason()).isEqualTo("No known job with id 'nope'");
        assertThat(server.send("GET", "/_ml/anomaly_detectors/alpha-1,nope,other", null).errorReason())
                .isEqualTo("No known job with id 'nope,other'");
        assertThat(server.send("GET", "/_ml/anomaly_detectors/beta?allow_no_match=maybe", null).status()).isEqualTo(400);
        JsonNode one = server.send("GET", "/_ml/anomaly_detectors/beta", null).json();
        assertThat(one.get("count").asInt()).isEqualTo(1);
        assertThat(one.at("/jobs/0/job_type").asText()).isEqualTo("anomaly_detector");
        JsonNode exported = server.send("GET", "/_ml/anomaly_detectors/beta?exclude_generated=true", null).json();
        assertThat(exported.at("/jobs/0").has("job_type")).as("Job.doXContentBody leaves out what was generated").isFalse();
        assertThat(exported.at("/jobs/0").has("create_time")).isFalse();
        assertThat(exported.at("/jobs/0").has("job_version")).isFalse();
        assertThat(exported.at("/jobs/0/analysis_config").isObject()).isTrue();
    }

    @Test
    void noJobsAtAll() {
        assertThat(ids("/_ml/anomaly_detectors")).isEmpty();
        assertThat(ids("/_ml/anomaly_detectors/_all")).isEmpty();
        Answer required = server.send("GET", "/_ml/anomaly_detectors/_all?allow_no_match=false", null);
        assertThat(required.status()).isEqualTo(404);
        assertThat(required.errorReason()).as("ExpandedIdsMatcher requires '*' to match something").isEqualTo(
                "No known job with id '*'");
    }

    /**
     * {@code RestGetJobsAction} with {@code RestCompatibilityChecker.checkAndSetDeprecatedParam}: the old name
     * {@code allow_no_jobs} is read, with {@code LoggingDeprecationHandler}'s renamed-field warning, only for a REST API
     * version 7 request; otherwise it is an unrecognized parameter.
     */
    @Test
    void allowNoJobsIsTheOldNameOnlyForRestApiVersionSeven() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> seven = client.send(HttpRequest.newBuilder(URI.create(server.baseUrl()
                        + "/_ml/anomaly_detectors/missing-*?allow_no_jobs=false"))
                .header("Accept", "application/vnd.elasticsearch+json; compatible-with=7")
                .header("Authorization", TestServer.SUPERUSER_AUTHORIZATION).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(seven.statusCode()).as(seven.body()).isEqualTo(404);
        assertThat(seven.headers().firstValue("Warning").orElseThrow())
                .endsWith("\"Deprecated field [allow_no_jobs] used, expected [allow_no_match] instead\"");

        Answer current = server.send("GET", "/_ml/anomaly_detectors/missing-*?allow_no_jobs=true", null);
        assertThat(current.status()).isEqualTo(400);
        assertThat(current.errorReason()).isEqualTo("request [/_ml/anomaly_detectors/missing-*] contains unrecognized "
                + "parameter: [allow_no_jobs] -> did you mean [allow_no_match]?");
    }
}
