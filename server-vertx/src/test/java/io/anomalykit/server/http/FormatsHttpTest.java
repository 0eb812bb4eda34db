package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.anomalykit.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bodies in YAML, CBOR and Smile besides JSON, over real HTTP, as Elasticsearch reads and writes them: the request's
 * format by its Content-Type ({@code RestRequest.getXContentType}), the answer's by {@code ?format}, then
 * {@code Accept}, then the request's Content-Type ({@code AbstractRestChannel.newBuilder}), errors included;
 * {@code _bulk} streams JSON and Smile only ({@code RestController.dispatchRequest}, {@code supportsBulkContent}).
 */
class FormatsHttpTest {

    private static final String RECORDS = "/_ml/anomaly_detectors/it-ops-kpi/results/records";
    private static final String INFLUENCERS = "/_ml/anomaly_detectors/it_ops_new_kpi/results/influencers";
    private static final Map<String, ObjectMapper> MAPPERS = Map.of(
            "json", new ObjectMapper(),
            "yaml", new ObjectMapper(new YAMLFactory()),
            "cbor", new ObjectMapper(new CBORFactory()),
            "smile", new ObjectMapper(new SmileFactory()));
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.withDemoData();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Answer(int status, String contentType, byte[] body) {
        JsonNode in(String format) {
            try {
                return MAPPERS.get(format).readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not " + format + " (" + status + ", " + contentType + "): "
                        + new String(body, StandardCharsets.UTF_8), e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static Answer send(String method, String pathAndQuery, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Authorization", TestServer.SUPERUSER_AUTHORIZATION);
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(response.statusCode(), response.headers().firstValue("content-type").orElse(null),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encode(String format, String json) {
        try {
            return MAPPERS.get(format).writeValueAsBytes(MAPPERS.get("json").readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode jsonAnswer(String method, String path, String jsonBody) {
        Answer answer = send(method, path, jsonBody == null ? null : jsonBody.getBytes(StandardCharsets.UTF_8),
                jsonBody == null ? Map.of() : Map.of("Content-Type", "application/json"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("application/json");
        return answer.in("json");
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "yaml", "cbor", "smile"})
    void bothApisReadABodyInEachFormatAndAnswerInIt(String format) {
        String recordsBody = "{\"record_score\":50,\"desc\":false,\"page\":{\"from\":1,\"size\":3}}";
        String influencersBody = "{\"influencer_score\":10.5,\"exclude_interim\":true,\"page\":{\"size\":2}}";
        for (String method : new String[] {"POST", "GET"}) {
            for (String[] api : new String[][] {{RECORDS, recordsBody}, {INFLUENCERS, influencersBody}}) {
                // No format parameter, no Accept: the answer is in the request body's format.
                Answer answer = send(method, api[0], encode(format, api[1]), Map.of("Content-Type", "application/" + format));
                assertThat(answer.status()).as(method + " " + api[0] + " " + format + ": " + answer.text()).isEqualTo(200);
                assertThat(answer.contentType()).isEqualTo("application/" + format);
                assertThat(answer.in(format)).isEqualTo(jsonAnswer(method, api[0], api[1]));
            }
        }
    }

    @Test
    void yamlIsWrittenAsElasticsearchWritesItWithADocumentStart() {
        Answer answer = send("GET", RECORDS + "?size=1&format=yaml", null, Map.of());
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("application/yaml");
        assertThat(answer.text()).startsWith("---\ncount: ");
        assertThat(answer.in("yaml")).isEqualTo(jsonAnswer("GET", RECORDS + "?size=1", null));
    }

    @Test
    void theFormatParameterWinsOverAcceptWhichWinsOverTheBodyType() {
        byte[] yamlBody = encode("yaml", "{\"page\":{\"size\":1}}");
        Answer byParameter = send("POST", RECORDS + "?format=smile", yamlBody,
                Map.of("Content-Type", "application/yaml", "Accept", "application/cbor"));
        assertThat(byParameter.contentType()).isEqualTo("application/smile");
        assertThat(byParameter.in("smile").get("records")).hasSize(1);

        Answer byAccept = send("POST", RECORDS, yamlBody, Map.of("Content-Type", "application/yaml", "Accept", "application/cbor"));
        assertThat(byAccept.contentType()).isEqualTo("application/cbor");
        assertThat(byAccept.in("cbor").get("records")).hasSize(1);

        // An unknown format value is no format (XContentType.fromFormat answers null): Accept decides.
        Answer unknownFormat = send("GET", RECORDS + "?size=1&format=xml", null, Map.of("Accept", "application/yaml"));
        assertThat(unknownFormat.contentType()).isEqualTo("application/yaml");

        // Accept */* names no format: the body's type decides.
        Answer anyAccept = send("POST", RECORDS, yamlBody, Map.of("Content-Type", "application/yaml", "Accept", "*/*"));
        assertThat(anyAccept.contentType()).isEqualTo("application/yaml");
        assertThat(anyAccept.text()).startsWith("---");
    }

    @Test
    void vendorTypesAreReadAndAnsweredWithTheirVersion() {
        Answer answer = send("POST", RECORDS, encode("cbor", "{\"page\":{\"size\":2}}"),
                Map.of("Content-Type", "application/vnd.elasticsearch+cbor; compatible-with=8",
                        "Accept", "application/vnd.elasticsearch+cbor; compatible-with=8"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(200);
        assertThat(answer.contentType()).isEqualTo("application/vnd.elasticsearch+cbor;compatible-with=8");
        assertThat(answer.in("cbor").get("records")).hasSize(2);

        Answer yaml = send("GET", RECORDS + "?size=1", null, Map.of("Accept", "application/vnd.elasticsearch+yaml; compatible-with=8"));
        assertThat(yaml.contentType()).isEqualTo("application/vnd.elasticsearch+yaml;compatible-with=8");
        assertThat(yaml.text()).startsWith("---");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yaml", "cbor", "smile"})
    void errorsAreWrittenInTheAnswersFormat(String format) {
        Answer unknownJob = send("GET", "/_ml/anomaly_detectors/no-such-job/results/records?format=" + format, null, Map.of());
        assertThat(unknownJob.status()).isEqualTo(404);
        assertThat(unknownJob.contentType()).isEqualTo("application/" + format);
        assertThat(unknownJob.in(format).at("/error/type").asText()).isEqualTo("resource_not_found_exception");
        assertThat(unknownJob.in(format).at("/error/reason").asText()).isEqualTo("No known job with id 'no-such-job'");
        assertThat(unknownJob.in(format).get("status").asInt()).isEqualTo(404);

        Answer unknownField = send("POST", RECORDS, encode(format, "{\"bogus\":1}"), Map.of("Content-Type", "application/" + format));
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.contentType()).isEqualTo("application/" + format);
        assertThat(unknownField.in(format).at("/error/type").asText()).isEqualTo("x_content_parse_exception");
        assertThat(unknownField.in(format).at("/error/reason").asText())
                .endsWith("[cluster:monitor/xpack/ml/job/results/records/get] unknown field [bogus]");
    }

    @Test
    void malformedAndDuplicateYamlIsAParseError() {
        Answer duplicate = send("POST", RECORDS, "desc: true\ndesc: false\n".getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/yaml"));
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.in("yaml").at("/error/type").asText()).isEqualTo("x_content_parse_exception");
        assertThat(duplicate.in("yaml").at("/error/reason").asText()).contains("Duplicate field 'desc'");

        Answer brokenCbor = send("POST", RECORDS, new byte[] {(byte) 0xbf, 0x61}, Map.of("Content-Type", "application/cbor"));
        assertThat(brokenCbor.status()).isEqualTo(400);
        assertThat(brokenCbor.in("cbor").at("/error/type").asText()).startsWith("x_content_");
    }

    @Test
    void filterPathAndHumanApplyToEveryFormatPrettyOnlyToJson() {
        JsonNode filtered = send("GET", RECORDS + "?size=2&format=yaml&filter_path=records.record_score", null, Map.of())
                .in("yaml");
        assertThat(filtered.has("count")).isFalse();
        assertThat(filtered.at("/records/0").size()).isEqualTo(1);
        assertThat(filtered.at("/records/0/record_score").isNumber()).isTrue();

        JsonNode human = send("GET", RECORDS + "?size=1&format=cbor&human=true", null, Map.of()).in("cbor");
        assertThat(human.at("/records/0/timestamp_string").isTextual()).isTrue();

        Answer pretty = send("GET", RECORDS + "?size=1&format=yaml&pretty", null, Map.of());
        assertThat(pretty.text()).isEqualTo(send("GET", RECORDS + "?size=1&format=yaml", null, Map.of()).text());
    }

    @Test
    void plainJsonStaysCompactAndJson() {
        Answer answer = send("GET", RECORDS + "?size=1", null, Map.of());
        assertThat(answer.contentType()).isEqualTo("application/json");
        assertThat(answer.text()).startsWith("{\"count\":");
        Answer jsonParameter = send("GET", RECORDS + "?size=1&format=json", null, Map.of("Accept", "application/yaml"));
        assertThat(jsonParameter.text()).isEqualTo(answer.text());
    }

    @Test
    void anUnsupportedContentTypeIsStill406InJson() {
        Answer answer = send("POST", RECORDS, "a,b".getBytes(StandardCharsets.UTF_8), Map.of("Content-Type", "text/csv"));
        assertThat(answer.status()).isEqualTo(406);
        assertThat(answer.in("json").get("error").asText()).isEqualTo("Content-Type header [text/csv] is not supported");
    }

    private static final String JOB = "{\"analysis_config\":{\"bucket_span\":\"15m\",\"detectors\":[{\"function\":\"mean\","
            + "\"field_name\":\"v\",\"partition_field_name\":\"host\"}]},\"data_description\":{\"time_field\":\"t\"}}";

    private static String record(String job, long timestamp, double score) {
        return "{\"job_id\":\"" + job + "\",\"result_type\":\"record\",\"probability\":0.01,\"record_score\":" + score
                + ",\"initial_record_score\":" + score + ",\"bucket_span\":900,\"detector_index\":0,\"is_interim\":false,"
                + "\"timestamp\":" + timestamp + ",\"function\":\"mean\",\"partition_field_name\":\"host\","
                + "\"partition_field_value\":\"h1\"}";
    }

    @Test
    void bulkStreamsSmileAndRefusesYamlAndCbor() throws IOException {
        Answer job = send("PUT", "/_ml/anomaly_detectors/smile-job", encode("yaml", JOB), Map.of("Content-Type", "application/yaml"));
        assertThat(job.status()).as(job.text()).isEqualTo(200);
        assertThat(job.in("yaml").get("job_id").asText()).isEqualTo("smile-job");

        ByteArrayOutputStream smile = new ByteArrayOutputStream();
        for (int i = 1; i <= 3; i++) {
            smile.write(encode("smile", "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"s" + i + "\"}}"));
            smile.write(0xFF);
            smile.write(encode("smile", record("smile-job", i * 1000L, i * 10.0)));
            smile.write(0xFF);
        }
        Answer bulk = send("POST", "/_bulk?refresh=true", smile.toByteArray(), Map.of("Content-Type", "application/smile"));
        assertThat(bulk.status()).as(bulk.text()).isEqualTo(200);
        assertThat(bulk.contentType()).isEqualTo("application/smile");
        JsonNode items = bulk.in("smile").get("items");
        assertThat(bulk.in("smile").get("errors").asBoolean()).isFalse();
        assertThat(items).hasSize(3);
        assertThat(items.get(2).at("/index/result").asText()).isEqualTo("created");
        JsonNode records = jsonAnswer("GET", "/_ml/anomaly_detectors/smile-job/results/records?desc=false", null);
        assertThat(records.get("count").asInt()).isEqualTo(3);
        assertThat(records.at("/records/2/record_score").asDouble()).isEqualTo(30.0);

        byte[] unterminated = java.util.Arrays.copyOf(smile.toByteArray(), smile.size() - 1);
        Answer noSeparator = send("POST", "/_bulk", unterminated, Map.of("Content-Type", "application/smile"));
        assertThat(noSeparator.status()).isEqualTo(400);
        assertThat(noSeparator.in("smile").at("/error/reason").asText())
                .isEqualTo("The bulk request must be terminated by a newline [\\n]");

        for (String[] refused : new String[][] {{"application/yaml", "YAML", "yaml"}, {"application/cbor", "CBOR", "cbor"},
                {"application/vnd.elasticsearch+yaml; compatible-with=8", "VND_YAML", "yaml"}}) {
            Answer answer = send("POST", "/_bulk", encode(refused[2], "{\"index\":{}}"), Map.of("Content-Type", refused[0]));
            assertThat(answer.status()).as(refused[0]).isEqualTo(406);
            assertThat(answer.in(refused[2]).get("error").asText())
                    .isEqualTo("Content-Type [" + refused[1] + "] does not support stream parsing. Use JSON or SMILE instead");
            assertThat(answer.in(refused[2]).get("status").asInt()).isEqualTo(406);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"yaml", "cbor", "smile"})
    void documentsAndJobsAreWrittenFromEachFormat(String format) {
        String jobId = "doc-job-" + format;
        Answer job = send("PUT", "/_ml/anomaly_detectors/" + jobId, encode(format, JOB), Map.of("Content-Type", "application/" + format));
        assertThat(job.status()).as(job.text()).isEqualTo(200);
        Answer doc = send("PUT", "/.ml-anomalies-shared/_doc/" + jobId + "-1?refresh=true",
                encode(format, record(jobId, 5000, 42.5)), Map.of("Content-Type", "application/" + format));
        assertThat(doc.status()).as(doc.text()).isEqualTo(201);
        assertThat(doc.contentType()).isEqualTo("application/" + format);
        assertThat(doc.in(format).get("result").asText()).isEqualTo("created");
        JsonNode records = jsonAnswer("GET", "/_ml/anomaly_detectors/" + jobId + "/results/records", null);
        assertThat(records.at("/records/0/record_score").asDouble()).isEqualTo(42.5);
    }
}
