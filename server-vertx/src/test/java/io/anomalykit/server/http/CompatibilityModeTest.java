package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two emulated versions side by side: what {@code GET /} reports, which {@code compatible-with} versions are
 * served ({@code RestCompatibleVersionHelper.getCompatibleVersion} with {@code RestApiVersion.current()} and
 * {@code minimumSupported()}), whether the {@code _xpack/ml} paths exist ({@code RestGetRecordsAction.routes()},
 * {@code RestGetInfluencersAction.routes()}) and the {@code job_version} of a created job (MlConfigVersion).
 */
class CompatibilityModeTest {

    private static final String RECORDS = "/_ml/anomaly_detectors/it-ops-kpi/results/records";
    private static final String VND = "application/vnd.elasticsearch+json; compatible-with=";

    private static TestServer eight;
    private static TestServer nine;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void start() {
        eight = TestServer.withDemoData(EmulatedVersion.V8);
        nine = TestServer.withDemoData(EmulatedVersion.V9);
    }

    @AfterAll
    static void stop() {
        eight.close();
        nine.close();
    }

    @Test
    void rootReportsTheEmulatedVersion() {
        JsonNode v8 = eight.get("/").json().get("version");
        assertThat(v8.get("number").asText()).isEqualTo("8.19.0");
        assertThat(v8.get("minimum_wire_compatibility_version").asText()).isEqualTo("7.17.0");
        assertThat(v8.get("minimum_index_compatibility_version").asText()).isEqualTo("7.0.0");
        assertThat(v8.get("lucene_version").asText()).startsWith("9.");

        JsonNode v9 = nine.get("/").json().get("version");
        assertThat(v9.get("number").asText()).startsWith("9.5.");
        assertThat(v9.get("lucene_version").asText()).startsWith("10.");
        assertThat(v9.get("minimum_wire_compatibility_version").asText()).isEqualTo("8.19.0");
        assertThat(v9.get("minimum_index_compatibility_version").asText()).isEqualTo("8.0.0");
        assertThat(v9.get("build_flavor").asText()).isEqualTo("default");
    }

    @Test
    void eightServesRestApiVersionsEightAndSeven() throws Exception {
        for (int version : new int[] {7, 8}) {
            HttpResponse<String> answer = post(eight, RECORDS, "{\"page\":{\"size\":1}}", VND + version, VND + version);
            assertThat(answer.statusCode()).as("compatible-with=%s", version).isEqualTo(200);
            assertThat(answer.headers().firstValue("content-type")).hasValue(
                    "application/vnd.elasticsearch+json;compatible-with=" + version);
        }
        HttpResponse<String> six = post(eight, RECORDS, "{}", VND + 6, VND + 6);
        assertThat(six.statusCode()).isEqualTo(400);
        assertThat(TestServer.JSON.readTree(six.body()).at("/error/caused_by/reason").asText())
                .isEqualTo("Accept version must be either version 8 or 7, but found 6. Accept=" + VND + 6);
    }

    @Test
    void nineServesRestApiVersionsNineAndEightButNotSeven() throws Exception {
        for (int version : new int[] {8, 9}) {
            HttpResponse<String> answer = post(nine, RECORDS, "{\"page\":{\"size\":1}}", VND + version, VND + version);
            assertThat(answer.statusCode()).as("compatible-with=%s", version).isEqualTo(200);
            assertThat(TestServer.JSON.readTree(answer.body()).get("count").asInt()).isEqualTo(16);
        }
        HttpResponse<String> seven = post(nine, RECORDS, "{}", VND + 7, VND + 7);
        assertThat(seven.statusCode()).isEqualTo(400);
        JsonNode error = TestServer.JSON.readTree(seven.body()).get("error");
        assertThat(error.get("type").asText()).isEqualTo("media_type_header_exception");
        assertThat(error.get("reason").asText()).isEqualTo("Invalid media-type value on headers [Accept, Content-Type]");
        assertThat(error.at("/caused_by/type").asText()).isEqualTo("status_exception");
        assertThat(error.at("/caused_by/reason").asText())
                .isEqualTo("Accept version must be either version 9 or 8, but found 7. Accept=" + VND + 7);

        HttpResponse<String> contentSeven = post(nine, RECORDS, "{}", VND + 7, null);
        assertThat(TestServer.JSON.readTree(contentSeven.body()).at("/error/caused_by/reason").asText())
                .isEqualTo("Content-Type version must be either version 9 or 8, but found 7. Content-Type=" + VND + 7);
    }

    @Test
    void anAcceptMediaRangeIsNoAcceptHeaderInEitherMode() throws Exception {
        for (TestServer server : new TestServer[] {eight, nine}) {
            HttpResponse<String> answer = send(server, HttpRequest.newBuilder(URI.create(server.baseUrl()
                    + "/_ml/anomaly_detectors/it_ops_new_kpi/results/influencers")).GET()
                    .header("Accept", VND + "8,text/plain"));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("content-type").orElseThrow()).startsWith("application/json");
        }
    }

    @Test
    void theXpackPrefixIsGoneInNine() {
        String legacy = "/_xpack/ml/anomaly_detectors/it-ops-kpi/results/records?size=1";
        assertThat(eight.get(legacy).status()).isEqualTo(200);
        TestServer.Answer answer = nine.get(legacy);
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText())
                .isEqualTo("no handler found for uri [" + legacy + "] and method [GET]");
        assertThat(nine.send("POST", "/_xpack/ml/anomaly_detectors/it_ops_new_kpi/results/influencers", "{}").status())
                .isEqualTo(400);
    }

    @Test
    void createdJobsCarryTheMlConfigVersionNotTheStackVersion() {
        for (TestServer server : new TestServer[] {eight, nine}) {
            assertThat(server.send("PUT", "/_ml/anomaly_detectors/versioned-job", "{\"analysis_config\":{\"bucket_span\":"
                    + "\"5m\",\"detectors\":[{\"function\":\"count\"}]},\"data_description\":{\"time_field\":\"timestamp\"}}")
                    .status()).isEqualTo(200);
        }
        assertThat(eight.get("/_ml/anomaly_detectors/versioned-job").json().at("/jobs/0/job_version").asText())
                .isEqualTo("12.0.0");
        assertThat(nine.get("/_ml/anomaly_detectors/versioned-job").json().at("/jobs/0/job_version").asText())
                .isEqualTo("12.0.0");
    }

    private HttpResponse<String> post(TestServer server, String path, String body, String contentType, String accept)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).header("Content-Type", contentType);
        if (accept != null) {
            request.header("Accept", accept);
        }
        return send(server, request);
    }

    private HttpResponse<String> send(TestServer server, HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.header("Authorization", TestServer.SUPERUSER_AUTHORIZATION)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
