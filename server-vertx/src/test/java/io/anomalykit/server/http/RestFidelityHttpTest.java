package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The REST layer's behaviour where it is Elasticsearch's own (RestRequest, RestController, AbstractRestChannel,
 * DefaultRestChannel, BaseRestHandler, ElasticsearchException), over HTTP against the demo data.
 */
class RestFidelityHttpTest {

    private static final String RECORDS = "/_ml/anomaly_detectors/it-ops-kpi/results/records";
    private static final String INFLUENCERS = "/_ml/anomaly_detectors/it_ops_new_kpi/results/influencers";
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.withDemoData();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A request written on the socket, with headers a plain client call does not set. */
    private static Answer raw(String method, String target, Map<String, String> headers, String body) {
        StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                + TestServer.SUPERUSER_AUTHORIZATION + "\r\nConnection: close\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Length: ").append(bytes.length).append("\r\n");
        }
        return server.raw(request.append("\r\n").append(body == null ? "" : body).toString());
    }

    @Test
    void anAcceptHeaderWithACommaIsAMediaRangeAndIgnored() {
        // ParsedMediaType.parseMediaType: a value with a comma is no media type; the JS client sends this one.
        Answer answer = raw("GET", RECORDS + "?size=1",
                Map.of("Accept", "application/vnd.elasticsearch+json; compatible-with=8,text/plain"), null);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("content-type")).isEqualTo("application/json");
    }

    @Test
    void anEmptyBooleanParameterMeansTrue() {
        // RestRequest.paramAsBoolean: the parameter's presence turns it on.
        assertThat(server.get(RECORDS + "?exclude_interim").json().get("count").asInt())
                .isEqualTo(server.get(RECORDS + "?exclude_interim=true").json().get("count").asInt());
        JsonNode ascending = server.get(RECORDS + "?desc=&size=1").json();
        JsonNode descending = server.get(RECORDS + "?desc=true&size=1").json();
        assertThat(ascending.at("/records/0")).isEqualTo(descending.at("/records/0"));
        assertThat(server.get(RECORDS + "?size=0&pretty").body()).isEqualTo("{\n  \"count\" : 16,\n  \"records\" : [ ]\n}\n");
        assertThat(server.get(RECORDS + "?size=1&human").json().at("/records/0/timestamp_string").isTextual()).isTrue();
    }

    @Test
    void formBodiesAre406NeverIgnoredNorA500() {
        String multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"desc\"\r\n\r\nfalse\r\n--XyZ--\r\n";
        for (String method : List.of("GET", "POST")) {
            Answer answer = raw(method, RECORDS, Map.of("Content-Type", "multipart/form-data; boundary=XyZ"), multipart);
            assertThat(answer.status()).as(method + " " + answer.body()).isEqualTo(406);
            assertThat(answer.json().get("error").asText())
                    .isEqualTo("Content-Type header [multipart/form-data; boundary=XyZ] is not supported");
            assertThat(answer.json().get("status").asInt()).isEqualTo(406);
        }
        Answer malformed = raw("POST", RECORDS, Map.of("Content-Type", "multipart/form-data"), "not multipart at all");
        assertThat(malformed.status()).as(malformed.body()).isEqualTo(406);
        Answer form = raw("POST", RECORDS, Map.of("Content-Type", "application/x-www-form-urlencoded"), "desc=false");
        assertThat(form.status()).as(form.body()).isEqualTo(406);
        // Only a body is judged (RestController.dispatchRequest checks the content type when there is content).
        Answer empty = raw("POST", RECORDS + "?size=1", Map.of("Content-Type", "multipart/form-data; boundary=XyZ"), "");
        assertThat(empty.status()).as(empty.body()).isEqualTo(200);
    }

    @Test
    void filterPathNeverFiltersAnError() {
        Answer answer = server.get("/_ml/anomaly_detectors/no-such-job/results/records?filter_path=count");
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().at("/error/type").asText()).isEqualTo("resource_not_found_exception");
        assertThat(answer.json().get("status").asInt()).isEqualTo(404);
    }

    @Test
    void badGlobalFlagsAre400s() {
        for (String query : List.of("pretty=yes", "human=1")) {
            // Rendered without the request's parameters: not pretty, not filtered.
            Answer answer = server.get(RECORDS + "?" + query + "&filter_path=count");
            assertThat(answer.status()).as(query).isEqualTo(400);
            String value = query.substring(query.indexOf('=') + 1);
            String reason = "Failed to parse value [" + value + "] as only [true] or [false] are allowed.";
            assertThat(answer.body()).isEqualTo("{\"error\":{\"root_cause\":[{\"type\":\"illegal_argument_exception\","
                    + "\"reason\":\"" + reason + "\"}],\"type\":\"illegal_argument_exception\",\"reason\":\"" + reason
                    + "\"},\"status\":400}");
        }
        // error_trace is checked by RestController.tryAllHandlers, which answers in the short form.
        Answer trace = server.get(RECORDS + "?error_trace=yes");
        assertThat(trace.status()).isEqualTo(400);
        assertThat(trace.body()).isEqualTo("{\"error\":\"Failed to parse value [yes] as only [true] or [false] are allowed.\","
                + "\"status\":400}");
    }

    @Test
    void theOpaqueIdIsEchoedOnEveryAnswer() {
        Map<String, String> opaque = Map.of("X-Opaque-Id", "trace-42");
        assertThat(raw("GET", RECORDS + "?size=1", opaque, null).header("X-Opaque-Id")).isEqualTo("trace-42");
        assertThat(raw("GET", "/_ml/anomaly_detectors/nope/results/records", opaque, null).header("X-Opaque-Id"))
                .isEqualTo("trace-42");
        assertThat(raw("DELETE", RECORDS, opaque, null).header("X-Opaque-Id")).isEqualTo("trace-42");
        assertThat(raw("OPTIONS", RECORDS, opaque, null).header("X-Opaque-Id")).isEqualTo("trace-42");
        Answer unauthenticated = server.raw("GET " + RECORDS + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Opaque-Id: trace-43\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(unauthenticated.header("X-Opaque-Id")).isEqualTo("trace-43");
        Answer twice = server.raw("GET " + RECORDS + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                + TestServer.SUPERUSER_AUTHORIZATION + "\r\nX-Opaque-Id: a\r\nX-Opaque-Id: b\r\nConnection: close\r\n\r\n");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.json().get("error").asText()).isEqualTo("multiple values for single-valued header [X-Opaque-Id].");
    }

    @Test
    void theSourceParameterIsTheBody() {
        String source = URLEncoder.encode("{\"page\":{\"size\":1},\"desc\":false}", StandardCharsets.UTF_8);
        Answer answer = server.get(RECORDS + "?source=" + source + "&source_content_type=application/json");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().get("records").size()).isEqualTo(1);
        assertThat(answer.json().at("/records/0/record_score").asDouble())
                .isEqualTo(server.get(RECORDS + "?size=1&desc=false").json().at("/records/0/record_score").asDouble());

        Answer missingType = server.get(RECORDS + "?source=" + source);
        assertThat(missingType.status()).isEqualTo(400);
        assertThat(missingType.errorType()).isEqualTo("validation_exception");
        assertThat(missingType.errorReason()).isEqualTo("Validation Failed: 1: source and source_content_type parameters are required;");
        Answer unknownType = server.get(RECORDS + "?source=" + source + "&source_content_type=text/csv");
        assertThat(unknownType.errorReason()).isEqualTo("Validation Failed: 1: Unknown value for source_content_type [text/csv];");
        // With the source, the query-string options are not read, so they are unrecognized.
        Answer withSize = server.get(RECORDS + "?size=2&source=" + source + "&source_content_type=application/json");
        assertThat(withSize.errorReason()).contains("contains unrecognized parameter: [size]");
    }

    @Test
    void searchFailuresHaveElasticsearchsFullShape() {
        JsonNode sort = server.get(RECORDS + "?sort=no_such_field").json();
        JsonNode shardReason = sort.at("/error/failed_shards/0/reason");
        assertThat(sort.at("/error/type").asText()).isEqualTo("search_phase_execution_exception");
        assertThat(sort.at("/error/reason").asText()).isEqualTo("all shards failed");
        assertThat(sort.at("/error/phase").asText()).isEqualTo("query");
        assertThat(sort.at("/error/grouped").asBoolean()).isTrue();
        assertThat(sort.at("/error/failed_shards/0/shard").asInt()).isZero();
        assertThat(sort.at("/error/failed_shards/0/index").asText()).isEqualTo(".ml-anomalies-shared");
        assertThat(sort.at("/error/failed_shards/0/node").asText()).hasSize(22);
        assertThat(shardReason.get("type").asText()).isEqualTo("query_shard_exception");
        assertThat(fieldNames(shardReason)).containsExactly("type", "reason", "index_uuid", "index");
        assertThat(sort.at("/error/root_cause/0")).isEqualTo(shardReason);
        // The query shard exception is the search's cause as well, so it is not written again.
        assertThat(sort.at("/error/caused_by").isMissingNode()).isTrue();

        JsonNode window = server.get(RECORDS + "?from=9950&size=100").json();
        String reason = window.at("/error/root_cause/0/reason").asText();
        assertThat(window.at("/error/failed_shards/0/reason/type").asText()).isEqualTo("illegal_argument_exception");
        // A Java exception is wrapped by guessRootCauses, and the wrapper is the search's cause.
        assertThat(window.at("/error/caused_by/type").asText()).isEqualTo("illegal_argument_exception");
        assertThat(window.at("/error/caused_by/reason").asText()).isEqualTo(reason);
        assertThat(window.at("/error/caused_by/caused_by/reason").asText()).isEqualTo(reason);
        assertThat(fieldNames(window.get("error"))).containsExactly("root_cause", "type", "reason", "phase", "grouped",
                "failed_shards", "caused_by");

        JsonNode date = server.get(RECORDS + "?start=yesterday-ish").json();
        assertThat(date.at("/error/root_cause/0/type").asText()).isEqualTo("parse_exception");
        assertThat(date.at("/error/root_cause/0/caused_by").isMissingNode()).isTrue();
        assertThat(date.at("/error/failed_shards/0/reason/caused_by/type").asText()).isEqualTo("illegal_argument_exception");

        JsonNode traced = server.get(RECORDS + "?from=9950&size=100&error_trace").json();
        assertThat(traced.at("/error/root_cause/0/stack_trace").isTextual()).isTrue();
        assertThat(traced.at("/error/failed_shards/0/reason/stack_trace").isTextual()).isTrue();
        assertThat(traced.at("/error/caused_by/caused_by/stack_trace").isTextual()).isTrue();
    }

    @Test
    void aBodyErrorsRootCauseIsTheInnermostParseError() {
        Answer answer = server.send("POST", RECORDS, "{\"page\":{\"fro\":1}}");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().at("/error/reason").asText()).contains("failed to parse field [page]");
        assertThat(answer.json().at("/error/root_cause/0/reason").asText()).contains("[page] unknown field [fro]");
        assertThat(answer.json().at("/error/caused_by/reason").asText()).contains("[page] unknown field [fro]");
    }

    @Test
    void dynamicKeysComeInHashMapOrder() {
        String job = "{\"analysis_config\":{\"bucket_span\":\"15m\",\"detectors\":[{\"function\":\"count\"}]},"
                + "\"data_description\":{\"time_field\":\"@timestamp\"}}";
        assertThat(server.send("PUT", "/_ml/anomaly_detectors/order-job", job).status()).isEqualTo(200);
        String record = "{\"job_id\":\"order-job\",\"result_type\":\"record\",\"probability\":0.1,\"record_score\":5,"
                + "\"initial_record_score\":5,\"bucket_span\":900,\"detector_index\":0,\"is_interim\":false,\"timestamp\":1000,"
                + "\"by_field_name\":\"zone\",\"by_field_value\":\"z1\",\"over_field_name\":\"user\",\"over_field_value\":\"u1\","
                + "\"partition_field_name\":\"host\",\"partition_field_value\":\"h1\",\"influencers\":[{\"influencer_field_name\":"
                + "\"airline\",\"influencer_field_values\":[\"a1\"]}]}";
        assertThat(server.send("PUT", "/.ml-anomalies-.write-order-job/_doc/r1?refresh=true", record).status()).isIn(200, 201);
        JsonNode answer = server.get("/_ml/anomaly_detectors/order-job/results/records").json().at("/records/0");
        List<String> inserted = List.of("zone", "user", "host", "airline");
        Map<String, Boolean> hashed = new HashMap<>();
        inserted.forEach(name -> hashed.put(name, true));
        List<String> expected = new ArrayList<>(hashed.keySet());
        assertThat(expected).as("the names are chosen so that the orders differ").isNotEqualTo(inserted);
        List<String> written = fieldNames(answer).stream().filter(inserted::contains).toList();
        assertThat(written).isEqualTo(expected);
    }

    @Test
    void suggestionsIncludeTheGlobalParametersAndThePathParameter() {
        assertThat(server.get(RECORDS + "?prety").errorReason()).isEqualTo("request [" + RECORDS
                + "] contains unrecognized parameter: [prety] -> did you mean [pretty]?");
        assertThat(server.get(INFLUENCERS + "?job_ids=x").errorReason()).endsWith("[job_ids] -> did you mean [job_id]?");
        // The path's job id replaces a query-string one; the parameter is consumed, never unrecognized.
        assertThat(server.get(RECORDS + "?job_id=other&size=1").status()).isEqualTo(200);
    }

    @Test
    void anEmptyDateIsElasticsearchsEmptyDateError() {
        JsonNode answer = server.get(RECORDS + "?start=").json();
        assertThat(answer.at("/error/root_cause/0/type").asText()).isEqualTo("parse_exception");
        assertThat(answer.at("/error/root_cause/0/reason").asText()).isEqualTo("cannot parse empty datetime");
    }

    @Test
    void headAnswersCarryTheLengthOfTheBodyTheyWouldSend() {
        Answer get = server.get("/");
        Answer head = raw("HEAD", "/", Map.of(), null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("content-length")).isEqualTo(String.valueOf(get.body().getBytes(StandardCharsets.UTF_8).length));
        Answer wrongMethod = raw("HEAD", RECORDS, Map.of(), null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(Integer.parseInt(wrongMethod.header("content-length"))).isPositive();
    }

    @Test
    void warningsNameTheBuildHashGetReports() {
        String hash = server.get("/").json().at("/version/build_hash").asText();
        Answer legacy = server.get("/_xpack/ml/anomaly_detectors/it-ops-kpi/results/records?size=1");
        assertThat(legacy.header("Warning")).startsWith("299 Elasticsearch-8.19.0-" + hash + " \"");
        // The pattern the official clients check a warning against (HeaderWarning.WARNING_HEADER_PATTERN).
        assertThat(legacy.header("Warning")).matches("299 Elasticsearch-\\d+\\.\\d+\\.\\d+(?:-SNAPSHOT)?-(?:[a-f0-9]{7}"
                + "(?:[a-f0-9]{33})?|unknown) \"[^\"]*\"");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @SuppressWarnings("unused")
    private static Map<String, String> headers(String... pairs) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            headers.put(pairs[i], pairs[i + 1]);
        }
        return headers;
    }
}
