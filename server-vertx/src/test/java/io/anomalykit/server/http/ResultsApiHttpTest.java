package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The two results APIs over HTTP against the demo data: Elasticsearch's semantics and errors. */
class ResultsApiHttpTest {

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

    /** A bad request and what Elasticsearch answers: status, error type, and a part of the reason. */
    record BadRequest(String method, String path, String body, int status, String type, String reason) {
        @Override
        public String toString() {
            return method + " " + path + (body == null ? "" : " " + body) + " -> " + status + " " + type;
        }
    }

    static Stream<BadRequest> badRequests() {
        return Stream.of(
                new BadRequest("GET", RECORDS + "?sizee=3", null, 400, "illegal_argument_exception",
                        "request [" + RECORDS + "] contains unrecognized parameter: [sizee] -> did you mean [size]?"),
                new BadRequest("GET", RECORDS + "?foo=1&bar=2", null, 400, "illegal_argument_exception",
                        "contains unrecognized parameters: [bar], [foo]"),
                new BadRequest("GET", RECORDS + "?size=abc", null, 400, "illegal_argument_exception",
                        "Failed to parse int parameter [size] with value [abc]"),
                new BadRequest("GET", RECORDS + "?from=-1", null, 400, "illegal_argument_exception",
                        "Parameter [from] cannot be < 0"),
                new BadRequest("GET", RECORDS + "?size=-1", null, 400, "illegal_argument_exception",
                        "Parameter [size] cannot be < 0"),
                new BadRequest("GET", RECORDS + "?desc=yes", null, 400, "illegal_argument_exception",
                        "Failed to parse value [yes] as only [true] or [false] are allowed."),
                new BadRequest("GET", RECORDS + "?exclude_interim=1", null, 400, "illegal_argument_exception",
                        "Failed to parse value [1] as only [true] or [false] are allowed."),
                new BadRequest("GET", RECORDS + "?record_score=abc", null, 400, "number_format_exception",
                        "For input string: \"abc\""),
                new BadRequest("GET", INFLUENCERS + "?influencer_score=high", null, 400, "number_format_exception",
                        "For input string: \"high\""),
                new BadRequest("POST", RECORDS, "{\"sortt\":\"x\"}", 400, "x_content_parse_exception",
                        "[1:2] [cluster:monitor/xpack/ml/job/results/records/get] unknown field [sortt] did you mean [sort]?"),
                new BadRequest("POST", RECORDS, "{\"from\":5}", 400, "x_content_parse_exception", "unknown field [from]"),
                new BadRequest("POST", RECORDS, "{\"sort\":1}", 400, "x_content_parse_exception",
                        "sort doesn't support values of type: VALUE_NUMBER"),
                new BadRequest("POST", RECORDS, "{\"desc\":\"maybe\"}", 400, "x_content_parse_exception",
                        "failed to parse field [desc]"),
                new BadRequest("POST", RECORDS, "{\"record_score\":\"abc\"}", 400, "x_content_parse_exception",
                        "failed to parse field [record_score]"),
                new BadRequest("POST", RECORDS, "{\"page\":{\"start\":1}}", 400, "x_content_parse_exception",
                        "failed to parse field [page]"),
                new BadRequest("POST", RECORDS, "{\"page\":{\"size\":-2}}", 400, "x_content_parse_exception",
                        "failed to parse field [page]"),
                new BadRequest("POST", RECORDS, "[]", 400, "x_content_parse_exception",
                        "Expected START_OBJECT but was: START_ARRAY"),
                new BadRequest("POST", RECORDS, "{\"desc\": tru}", 400, "x_content_parse_exception", "Unrecognized token"),
                new BadRequest("POST", RECORDS, "{\"desc\":true", 400, "x_content_e_o_f_exception", "end-of-input"),
                new BadRequest("POST", RECORDS, "{\"desc\":true,\"desc\":false}", 400, "x_content_parse_exception",
                        "Duplicate field 'desc'"),
                new BadRequest("POST", INFLUENCERS, "{\"record_score\":5}", 400, "x_content_parse_exception",
                        "[cluster:monitor/xpack/ml/job/results/influencers/get] unknown field [record_score]"),
                new BadRequest("POST", RECORDS + "?size=1", "{}", 400, "illegal_argument_exception",
                        "contains unrecognized parameter: [size]"),
                new BadRequest("POST", INFLUENCERS + "?desc=false", "{}", 400, "illegal_argument_exception",
                        "contains unrecognized parameter: [desc]"),
                new BadRequest("GET", "/_ml/anomaly_detectors/no-such-job/results/records", null, 404,
                        "resource_not_found_exception", "No known job with id 'no-such-job'"),
                new BadRequest("GET", "/_ml/anomaly_detectors/no-such-job/results/records?start=garbage", null, 404,
                        "resource_not_found_exception", "No known job with id 'no-such-job'"),
                new BadRequest("GET", RECORDS + "?start=garbage", null, 400, "search_phase_execution_exception",
                        "all shards failed"),
                new BadRequest("GET", RECORDS + "?from=9950&size=100", null, 400, "search_phase_execution_exception",
                        "all shards failed"),
                new BadRequest("GET", RECORDS + "?sort=not_a_field", null, 400, "search_phase_execution_exception",
                        "all shards failed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void badInputGetsElasticsearchsError(BadRequest bad) {
        Answer answer = server.send(bad.method(), bad.path(), bad.body());
        assertThat(answer.status()).as(answer.body()).isEqualTo(bad.status());
        assertThat(answer.errorType()).as(answer.body()).isEqualTo(bad.type());
        assertThat(answer.errorReason()).contains(bad.reason());
        assertThat(answer.json().get("status").asInt()).isEqualTo(bad.status());
        assertThat(answer.json().at("/error/root_cause/0/type").isTextual()).isTrue();
        assertThat(answer.header("X-elastic-product")).isEqualTo("Elasticsearch");
    }

    @Test
    void searchFailuresNameTheirRealCause() {
        assertThat(server.get(RECORDS + "?start=garbage").json().at("/error/root_cause/0/type").asText())
                .isEqualTo("parse_exception");
        assertThat(server.get(RECORDS + "?sort=not_a_field").json().at("/error/root_cause/0/reason").asText())
                .isEqualTo("No mapping found for [not_a_field] in order to sort on");
        assertThat(server.get(RECORDS + "?from=9950&size=100").json().at("/error/root_cause/0/reason").asText())
                .startsWith("Result window is too large, from + size must be less than or equal to: [10000] but was [10050]");
    }

    @Test
    void wrongMethodUnknownRouteAndBadContentTypeUseElasticsearchsShortForm() {
        Answer wrongMethod = server.send("PUT", RECORDS, null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.header("Allow")).isEqualTo("GET,POST");
        assertThat(wrongMethod.json().get("error").asText()).isEqualTo("Incorrect HTTP method for uri [" + RECORDS
                + "] and method [PUT], allowed: [GET, POST]");
        assertThat(wrongMethod.json().get("status").asInt()).isEqualTo(405);

        Answer options = server.send("OPTIONS", RECORDS, null);
        assertThat(options.status()).isEqualTo(200);
        assertThat(options.header("Allow")).isEqualTo("GET,POST");

        Answer unknown = server.get("/_ml/nothing/here?x=1");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText())
                .isEqualTo("no handler found for uri [/_ml/nothing/here?x=1] and method [GET]");
        assertThat(unknown.header("content-type")).startsWith("application/json");

        Answer plainText = server.send("POST", RECORDS, "{}", "text/plain");
        assertThat(plainText.status()).isEqualTo(406);
        assertThat(plainText.json().get("error").asText()).isEqualTo("Content-Type header [text/plain] is not supported");

        Answer head = server.send("HEAD", RECORDS, null);
        assertThat(head.status()).isEqualTo(405);

        Answer missing = server.send("POST", RECORDS, "{}", null);
        assertThat(missing.status()).isEqualTo(406);
        assertThat(missing.json().get("error").asText()).isEqualTo("Content-Type header is missing");
    }

    @Test
    void rawPathsAreMatchedAsElasticsearchMatchesThemAndBadEscapesGetJson() {
        for (String path : new String[] {"//_ml/anomaly_detectors/it-ops-kpi/results/records",
                "/_ml//anomaly_detectors/it-ops-kpi/results/records",
                "/_ml/anomaly_detectors/../anomaly_detectors/it-ops-kpi/results/records",
                "/_ml/anomaly_detectors/./it-ops-kpi/results/records", "/_ML/anomaly_detectors/it-ops-kpi/results/records"}) {
            Answer answer = server.get(path);
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.json().get("error").asText()).as(path).startsWith("no handler found for uri [" + path);
        }
        assertThat(server.get(RECORDS + "/").status()).as("a trailing slash matches").isEqualTo(200);
        for (String path : new String[] {"/_ml/anomaly_detectors/%zz/results/records", RECORDS + "?size=%zz"}) {
            Answer answer = server.rawGet(path);
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(answer.errorType()).as(path).isEqualTo("illegal_argument_exception");
            assertThat(answer.header("content-type")).startsWith("application/json");
        }
    }

    @Test
    void elasticsearchVendorMediaTypesAreAccepted() {
        Answer compatible = server.send("POST", RECORDS, "{\"page\":{\"size\":1}}",
                "application/vnd.elasticsearch+json; compatible-with=8");
        assertThat(compatible.status()).as(compatible.body()).isEqualTo(200);
        assertThat(compatible.header("content-type")).isEqualTo("application/vnd.elasticsearch+json;compatible-with=8");
        // Elasticsearch 8.19 knows no REST API version 9 (RestApiVersion.current() is V_8): 9 mode answers it.
        assertThat(server.send("POST", RECORDS, "{}", "application/vnd.elasticsearch+json; compatible-with=9").status())
                .isEqualTo(400);
        Answer unsupported = server.send("POST", RECORDS, "{}", "application/vnd.elasticsearch+json; compatible-with=5");
        assertThat(unsupported.status()).isEqualTo(400);
        assertThat(unsupported.errorType()).isEqualTo("media_type_header_exception");
    }

    @Test
    void defaultsAreElasticsearchsNotTheDocuments() {
        JsonNode all = server.get(RECORDS).json();
        assertThat(all.get("count").asLong()).isEqualTo(16);
        assertThat(scores(all, "records", "record_score")).isSortedAccordingTo((a, b) -> Double.compare(b, a));
        assertThat(all.at("/records/0/record_score").asDouble()).isEqualTo(88.4013);
        JsonNode ascending = server.get(RECORDS + "?desc=false").json();
        assertThat(scores(ascending, "records", "record_score")).isSorted();
        JsonNode influencers = server.get(INFLUENCERS).json();
        assertThat(influencers.get("count").asLong()).isEqualTo(28);
        assertThat(scores(influencers, "influencers", "influencer_score"))
                .isSortedAccordingTo((a, b) -> Double.compare(b, a));
    }

    @Test
    void countIsTheTotalAndPagingWorksInQueryAndBody() {
        JsonNode page = server.get(RECORDS + "?from=1&size=2").json();
        assertThat(page.get("count").asLong()).isEqualTo(16);
        assertThat(page.get("records")).hasSize(2);
        assertThat(page.at("/records/0/record_score").asDouble()).isEqualTo(72.9929);
        JsonNode body = server.send("POST", RECORDS, "{\"page\":{\"from\":1,\"size\":2}}").json();
        assertThat(body).isEqualTo(page);
        JsonNode countOnly = server.get(RECORDS + "?size=0").json();
        assertThat(countOnly.get("count").asLong()).isEqualTo(16);
        assertThat(countOnly.get("records")).isEmpty();
    }

    @Test
    void timeWindowIsStartInclusiveEndExclusiveInEveryFormat() {
        long startsAtRecord = server.get(RECORDS + "?start=1454944200000").json().get("count").asLong();
        assertThat(startsAtRecord).isEqualTo(12);
        assertThat(server.get(RECORDS + "?start=2016-02-08T15:10:00Z").json().get("count").asLong()).isEqualTo(12);
        assertThat(server.get(RECORDS + "?start=2016-02-08T15:10:00.000%2B00:00").json().get("count").asLong())
                .isEqualTo(12);
        assertThat(server.get(RECORDS + "?end=1454944200000").json().get("count").asLong()).isEqualTo(4);
        assertThat(server.get(RECORDS + "?start=now-100y&end=now").json().get("count").asLong()).isEqualTo(16);
        assertThat(server.get(RECORDS + "?start=2016-02-08%7C%7C%2B1d").json().get("count").asLong()).isZero();
    }

    @Test
    void scoreThresholdsAreInclusive() {
        JsonNode records = server.get(RECORDS + "?record_score=41.2").json();
        assertThat(scores(records, "records", "record_score")).endsWith(41.2, 41.2).allMatch(s -> s >= 41.2);
        JsonNode influencers = server.get(INFLUENCERS + "?influencer_score=40").json();
        assertThat(scores(influencers, "influencers", "influencer_score")).endsWith(40.0, 40.0);
    }

    @Test
    void interimResultsAreExcludedOnRequest() {
        assertThat(server.get(RECORDS + "?exclude_interim=true").json().get("count").asLong()).isEqualTo(14);
        assertThat(server.send("POST", INFLUENCERS, "{\"exclude_interim\":true}").json().get("count").asLong())
                .isEqualTo(26);
    }

    @Test
    void recordTiesAreBrokenByElasticsearchsSecondarySorts() {
        // Two records score 41.2; the one with a partition value sorts first (missing values last).
        JsonNode records = server.get(RECORDS + "?record_score=41.2&desc=true").json().get("records");
        JsonNode last = records.get(records.size() - 1);
        JsonNode beforeLast = records.get(records.size() - 2);
        assertThat(beforeLast.get("partition_field_value").asText()).isEqualTo("web-03");
        assertThat(last.has("partition_field_value")).isFalse();
    }

    @Test
    void withABodyTheInfluencersApiIgnoresQueryStringDates() {
        JsonNode body = server.send("POST", INFLUENCERS + "?start=2030-01-01&end=2030-01-02", "{}").json();
        assertThat(body.get("count").asLong()).isEqualTo(28);
    }

    @Test
    void resultsCarryDynamicKeysInElasticsearchsFieldOrder() {
        JsonNode population = server.get(RECORDS + "?sort=over_field_value&size=1").json().at("/records/0");
        assertThat(population.get("client_ip")).hasSize(1);
        assertThat(population.get("client_ip").get(0).asText()).isEqualTo("10.7.2.19");
        assertThat(population.get("host").toString()).isEqualTo("[\"web-01\",\"web-02\"]");
        List<String> order = new ArrayList<>();
        population.fieldNames().forEachRemaining(order::add);
        assertThat(order).startsWith("job_id", "result_type", "probability", "record_score", "initial_record_score",
                "bucket_span", "detector_index", "is_interim", "timestamp");
        // AnomalyRecord.inputFieldMap is a java.util.HashMap: "host" iterates before "client_ip".
        assertThat(order.subList(order.size() - 2, order.size())).containsExactly("host", "client_ip");
        JsonNode influencer = server.get(INFLUENCERS + "?size=1").json().at("/influencers/0");
        List<String> influencerOrder = new ArrayList<>();
        influencer.fieldNames().forEachRemaining(influencerOrder::add);
        assertThat(influencerOrder).containsExactly("job_id", "result_type", "influencer_field_name",
                "influencer_field_value", "kpi_indicator", "influencer_score", "initial_influencer_score", "probability",
                "bucket_span", "is_interim", "timestamp");
    }

    /** Plain answers copy the renderings the store made at indexing; pretty and human ones are built as trees. */
    @Test
    void copiedRenderingsMatchTheAnswersBuiltAsTrees() {
        for (String path : List.of(RECORDS + "?size=100", INFLUENCERS + "?size=100")) {
            Answer copied = server.get(path);
            JsonNode tree = server.get(path + "&pretty").json();
            assertThat(copied.json()).as(path).isEqualTo(tree);
            JsonNode human = server.get(path + "&human").json();
            String array = path.startsWith(RECORDS) ? "records" : "influencers";
            assertThat(copied.json().get(array)).as(path).hasSizeGreaterThan(10);
            for (int i = 0; i < copied.json().get(array).size(); i++) {
                List<String> plainOrder = new ArrayList<>();
                copied.json().get(array).get(i).fieldNames().forEachRemaining(plainOrder::add);
                List<String> humanOrder = new ArrayList<>();
                human.get(array).get(i).fieldNames().forEachRemaining(humanOrder::add);
                plainOrder.add(plainOrder.indexOf("timestamp"), "timestamp_string");
                assertThat(humanOrder).as(path + " #" + i).isEqualTo(plainOrder);
            }
        }
    }

    @Test
    void globalParametersBehaveAsInElasticsearch() {
        JsonNode human = server.get(RECORDS + "?size=1&human=true").json().at("/records/0");
        assertThat(human.get("timestamp_string").asText()).isEqualTo("2016-02-08T14:50:00.000Z");
        JsonNode filtered = server.get(RECORDS + "?size=2&filter_path=count,records.record_score").json();
        assertThat(filtered.toString()).isEqualTo("{\"count\":16,\"records\":[{\"record_score\":88.4013},"
                + "{\"record_score\":72.9929}]}");
        JsonNode excluded = server.get(RECORDS + "?size=1&filter_path=-records").json();
        assertThat(excluded.toString()).isEqualTo("{\"count\":16}");
        String pretty = server.get(RECORDS + "?size=0&pretty").body();
        assertThat(pretty).isEqualTo("{\n  \"count\" : 16,\n  \"records\" : [ ]\n}\n");
        assertThat(server.get(RECORDS + "?size=1&format=json").status()).isEqualTo(200);
        Answer trace = server.get(RECORDS + "?size=x&error_trace=true");
        assertThat(trace.json().at("/error/stack_trace").asText()).contains("illegal_argument_exception")
                .doesNotContain("io.anomalykit");
    }

    @Test
    void legacyPrefixIsServedWithADeprecationWarning() {
        Answer legacy = server.get("/_xpack/ml/anomaly_detectors/it-ops-kpi/results/records?size=1");
        assertThat(legacy.status()).isEqualTo(200);
        assertThat(legacy.header("Warning")).contains("/_xpack/ml/anomaly_detectors/{job_id}/results/records] is deprecated");
        assertThat(legacy.json()).isEqualTo(server.get(RECORDS + "?size=1").json());
    }

    private static List<Double> scores(JsonNode body, String array, String field) {
        List<Double> scores = new ArrayList<>();
        body.get(array).forEach(result -> scores.add(result.get(field).asDouble()));
        return scores;
    }
}
