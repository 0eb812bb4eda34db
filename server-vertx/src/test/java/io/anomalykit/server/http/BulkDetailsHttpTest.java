package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The details of {@code _bulk}, {@code _doc} and {@code DELETE /{index}} as Elasticsearch 8.19 answers them: the
 * answers' keys ({@code DocWriteResponse.innerToXContent}, {@code BulkItemResponse.toXContent}), {@code Location}
 * ({@code DocWriteResponse.getLocation}), {@code BulkRequestParser}'s messages, the URL parameters of
 * {@code RestBulkAction} and {@code RestIndexAction}, and deleting a results index.
 */
class BulkDetailsHttpTest {

    private static final String SHARED = ".ml-anomalies-shared";
    private static final String JOB_BODY = "{\"analysis_config\":{\"bucket_span\":\"15m\",\"detectors\":"
            + "[{\"function\":\"mean\",\"field_name\":\"cpu\"}]},\"data_description\":{\"time_field\":\"@timestamp\"}}";
    private static final String RECORD = "{\"job_id\":\"bulk-job\",\"result_type\":\"record\",\"probability\":0.01,"
            + "\"record_score\":50,\"initial_record_score\":50,\"bucket_span\":900,\"detector_index\":0,\"is_interim\":false,"
            + "\"timestamp\":1700000000000,\"function\":\"mean\"}";
    private static final String NDJSON = "application/x-ndjson";

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.empty();
        assertThat(server.send("PUT", "/_ml/anomaly_detectors/bulk-job", JOB_BODY).status()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Answer bulk(String query, String ndjson) {
        return server.send("POST", "/_bulk" + query, ndjson, NDJSON);
    }

    private static String indexLine(String metadata) {
        return "{\"index\":{" + metadata + "}}\n" + RECORD + "\n";
    }

    private static List<String> keys(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertBadRequest(Answer answer, String type, String reason) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.errorType()).isEqualTo(type);
        assertThat(answer.errorReason()).isEqualTo(reason);
    }

    /** RestIndexAction answers through RestToXContentListener: the document's answer, no status, Location on 201. */
    @Test
    void docAnswersHaveElasticsearchsKeysForcedRefreshAndLocation() {
        Answer created = server.send("PUT", "/" + SHARED + "/_doc/a%20b%2Fc?refresh=true&routing=r%201", RECORD);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(keys(created.json())).containsExactly("_index", "_id", "_version", "result", "forced_refresh", "_shards",
                "_seq_no", "_primary_term");
        assertThat(created.json().get("forced_refresh").asBoolean()).isTrue();
        // URLEncoder: a space is '+', a slash %2F; routing follows as a query.
        assertThat(created.header("Location")).isEqualTo("/" + SHARED + "/_doc/a+b%2Fc?routing=r+1");

        Answer updated = server.send("PUT", "/" + SHARED + "/_doc/a%20b%2Fc?refresh=wait_for", RECORD);
        assertThat(updated.status()).isEqualTo(200);
        assertThat(keys(updated.json())).as("wait_for forces no refresh").containsExactly("_index", "_id", "_version",
                "result", "_shards", "_seq_no", "_primary_term");
        assertThat(updated.header("Location")).as("only a creation has a Location").isNull();

        Answer created2 = server.send("PUT", "/" + SHARED + "/_create/plain?routing=", RECORD);
        assertThat(created2.header("Location")).as("an empty routing is none").isEqualTo("/" + SHARED + "/_doc/plain");
        assertThat(created2.json().has("forced_refresh")).isFalse();

        Answer deleted = server.send("DELETE", "/" + SHARED + "/_doc/plain?refresh=true", null);
        assertThat(keys(deleted.json())).containsExactly("_index", "_id", "_version", "result", "forced_refresh", "_shards",
                "_seq_no", "_primary_term");
        assertThat(deleted.header("Location")).isNull();
    }

    /** BulkItemResponse.toXContent: the document's answer then status; a failure is _index, _id (null), status, error. */
    @Test
    void bulkItemsHaveForcedRefreshThenStatusAndFailuresANullId() {
        Answer answer = bulk("?refresh=true", indexLine("\"_index\":\"" + SHARED + "\",\"_id\":\"one\"")
                + indexLine("\"_index\":\".ml-anomalies-nojob\""));
        JsonNode items = answer.json().get("items");
        assertThat(keys(items.get(0).get("index"))).containsExactly("_index", "_id", "_version", "result", "forced_refresh",
                "_shards", "_seq_no", "_primary_term", "status");
        JsonNode failed = items.get(1).get("index");
        assertThat(keys(failed)).containsExactly("_index", "_id", "status", "error");
        assertThat(failed.get("_id").isNull()).isTrue();
        assertThat(failed.at("/error/type").asText()).isEqualTo("index_not_found_exception");
        assertThat(keys(failed.get("error"))).containsExactly("type", "reason", "resource.type", "resource.id", "index_uuid",
                "index");
        assertThat(failed.at("/error/index_uuid").asText()).isEqualTo("_na_");

        JsonNode waited = bulk("?refresh=wait_for", indexLine("\"_index\":\"" + SHARED + "\",\"_id\":\"two\"")).json();
        assertThat(waited.at("/items/0/index").has("forced_refresh")).isFalse();
    }

    /** BulkRequestParser's messages, each failing the whole request with illegal_argument_exception. */
    @Test
    void malformedActionLinesFailTheRequestWithBulkRequestParsersMessages() {
        String bad = "illegal_argument_exception";
        assertBadRequest(bulk("", "{}\n"), bad, "Malformed action/metadata line [1], expected FIELD_NAME but found [END_OBJECT]");
        assertBadRequest(bulk("", "[1]\n"), bad, "Malformed action/metadata line [1], expected START_OBJECT but found [START_ARRAY]");
        assertBadRequest(bulk("", "\"index\"\n"), bad,
                "Malformed action/metadata line [1], expected START_OBJECT but found [VALUE_STRING]");
        assertBadRequest(bulk("", "{\"index\":1}\n{}\n"), bad,
                "Malformed action/metadata line [1], expected START_OBJECT or END_OBJECT but found [VALUE_NUMBER]");
        assertBadRequest(bulk("", "{\"get\":{}}\n"), bad,
                "Malformed action/metadata line [1], expected field [create], [delete], [index] or [update] but found [get]");
        assertBadRequest(bulk("", indexLine("\"_id\":[\"a\"]")), bad,
                "Malformed action/metadata line [1], expected a simple value for field [_id] but found [START_ARRAY]");
        assertBadRequest(bulk("", indexLine("\"_id\":{\"a\":1}")), bad,
                "Malformed action/metadata line [1], expected a simple value for field [_id] but found [START_OBJECT]");
        assertBadRequest(bulk("", indexLine("\"_index\":\"" + SHARED + "\"") + indexLine("\"colour\":\"red\"")), bad,
                "Action/metadata line [3] contains an unknown parameter [colour]");
        assertBadRequest(bulk("", "{\"delete\":{\"_index\":\"x\",\"_id\":\"1\",\"dynamic_templates\":{\"a\":\"b\"}}}\n"), bad,
                "Delete request in line [1] does not accept dynamic_templates");
        assertBadRequest(bulk("", "{\"update\":{\"_index\":\"x\",\"_id\":\"1\",\"version\":2}}\n{}\n"), bad,
                "Update requests do not support versioning. Please use `if_seq_no` and `if_primary_term` instead");
        assertBadRequest(bulk("", indexLine("\"_index\":\"" + SHARED + "\"").trim()), bad,
                "The bulk request must be terminated by a newline [\\n]");

        Answer broken = bulk("", "{\"index\":{\"_id\" \"x\"}}\n" + RECORD + "\n");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.errorType()).isEqualTo("x_content_parse_exception");
        assertThat(broken.errorReason()).startsWith("[1:");

        // JsonXContentParser.doLongValue: a number beyond a long's range fails as malformed JSON does, not with a 500.
        Answer outOfRange = bulk("", indexLine("\"_index\":\"" + SHARED + "\",\"version\":1e400"));
        assertThat(outOfRange.status()).as(outOfRange.body()).isEqualTo(400);
        assertThat(outOfRange.errorType()).isEqualTo("x_content_parse_exception");
        assertThat(outOfRange.errorReason()).startsWith("[1:").contains("Numeric value (1e400) out of range of long");
    }

    /** BulkRequest.validate and IndexRequest/DeleteRequest.validate: all errors in one action_request_validation_exception. */
    @Test
    void idsAreValidatedAsElasticsearchValidatesThem() {
        String validation = "action_request_validation_exception";
        String longId = "x".repeat(513);
        assertBadRequest(bulk("", indexLine("\"_index\":\"" + SHARED + "\",\"_id\":\"" + longId + "\"")
                        + "{\"delete\":{\"_index\":\"" + SHARED + "\",\"_id\":\"\"}}\n"), validation,
                "Validation Failed: 1: id [" + longId + "] is too long, must be no longer than 512 bytes but was: 513;"
                        + "2: id is missing;");
        // An action line with no document line after it is dropped, as the parser stops at the body's end.
        assertBadRequest(bulk("", "{\"index\":{\"_index\":\"" + SHARED + "\"}}\n"), validation,
                "Validation Failed: 1: no requests added;");
        assertBadRequest(bulk("", "\n\n"), validation, "Validation Failed: 1: no requests added;");

        JsonNode items = bulk("", indexLine("\"_index\":\"" + SHARED + "\",\"_id\":\"\"")
                + indexLine("\"_index\":\"" + SHARED + "\",\"_id\":null,\"pipeline\":null,\"colour\":null")).json().get("items");
        JsonNode empty = items.get(0).get("index");
        assertThat(empty.get("status").asInt()).isEqualTo(400);
        assertThat(empty.at("/error/type").asText()).isEqualTo("illegal_argument_exception");
        assertThat(empty.at("/error/reason").asText()).isEqualTo("if _id is specified it must not be empty");
        JsonNode nullId = items.get(1).get("index");
        assertThat(nullId.get("status").asInt()).as("null values are ignored: the id is generated").isEqualTo(201);
        assertThat(nullId.get("_id").asText()).isNotEmpty();
    }

    /** REST API version 8 reads no further than the action (8.19 only warns); version 9 wants the line to end there. */
    @Test
    void extraKeysInAnActionLineAreIgnoredIn8AndRefusedIn9() {
        String extra = "{\"index\":{\"_index\":\"" + SHARED + "\",\"_id\":\"e\"},\"extra\":1}\n" + RECORD + "\n";
        assertThat(bulk("", extra).json().at("/items/0/index/status").asInt()).isEqualTo(201);
        try (TestServer nine = TestServer.withDemoData(EmulatedVersion.V9)) {
            assertBadRequest(nine.send("POST", "/_bulk", extra, NDJSON), "illegal_argument_exception",
                    "Malformed action/metadata line [1], expected END_OBJECT but found [FIELD_NAME]");
            String trailing = "{\"index\":{\"_index\":\"" + SHARED + "\",\"_id\":\"e\"}} {}\n" + RECORD + "\n";
            assertBadRequest(nine.send("POST", "/_bulk", trailing, NDJSON), "illegal_argument_exception",
                    "Malformed action/metadata line [1], unexpected data after the closing brace");
        }
    }

    /** IngestService: no pipeline exists here, so naming one fails the item; _none is no pipeline. */
    @Test
    void pipelinesAreRefusedAsMissingAndNoneIsAccepted() {
        JsonNode items = bulk("?pipeline=enrich", indexLine("\"_index\":\"" + SHARED + "\",\"_id\":\"p1\"")
                + indexLine("\"_index\":\"" + SHARED + "\",\"_id\":\"p2\",\"pipeline\":\"_none\"")).json().get("items");
        assertThat(items.at("/0/index/status").asInt()).isEqualTo(400);
        assertThat(items.at("/0/index/error/type").asText()).isEqualTo("illegal_argument_exception");
        assertThat(items.at("/0/index/error/reason").asText()).isEqualTo("pipeline with id [enrich] does not exist");
        assertThat(items.at("/1/index/status").asInt()).isEqualTo(201);

        assertBadRequest(server.send("PUT", "/" + SHARED + "/_doc/p3?pipeline=enrich", RECORD), "illegal_argument_exception",
                "pipeline with id [enrich] does not exist");
        assertBadRequest(server.send("PUT", "/" + SHARED + "/_doc/p3?pipeline=", RECORD), "action_request_validation_exception",
                "Validation Failed: 1: pipeline cannot be an empty string;");
    }

    /** BulkOperation: require_alias needs an alias (a job's), require_data_stream a data stream (there are none). */
    @Test
    void requireAliasAndRequireDataStreamAreChecked() {
        Answer notAlias = server.send("PUT", "/" + SHARED + "/_doc/r1?require_alias=true", RECORD);
        assertThat(notAlias.status()).isEqualTo(404);
        assertThat(notAlias.errorType()).isEqualTo("index_not_found_exception");
        assertThat(notAlias.errorReason()).isEqualTo("no such index [" + SHARED + "] and [require_alias] request flag is [true] and ["
                + SHARED + "] is not an alias");
        assertThat(server.send("PUT", "/.ml-anomalies-.write-bulk-job/_doc/r1?require_alias=true", RECORD).status())
                .isEqualTo(201);

        JsonNode item = bulk("", indexLine("\"_index\":\"" + SHARED + "\",\"_id\":\"r2\",\"require_data_stream\":true"))
                .json().at("/items/0/index");
        assertThat(item.get("status").asInt()).isEqualTo(404);
        assertThat(item.at("/error/type").asText()).isEqualTo("resource_not_found_exception");
        assertThat(item.at("/error/reason").asText())
                .isEqualTo("[require_data_stream] request flag is [true] and [" + SHARED + "] is not a data stream");
    }

    /** RestBulkAction's and RestIndexAction's parameters are accepted; others are unrecognized. */
    @Test
    void elasticsearchsUrlParametersAreAcceptedAndOthersRefused() {
        Answer accepted = bulk("?routing=r&_source=false&_source_includes=a&_source_excludes=b&list_executed_pipelines=true"
                + "&timeout=1m&wait_for_active_shards=1&require_alias=false&require_data_stream=false"
                + "&include_source_on_error=false&pipeline=_none", indexLine("\"_index\":\"" + SHARED + "\",\"_id\":\"u1\""));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(accepted.json().get("errors").asBoolean()).isFalse();

        Answer doc = server.send("PUT", "/" + SHARED + "/_doc/u2?routing=r&require_alias=false&require_data_stream=false"
                + "&include_source_on_error=true&timeout=1m&wait_for_active_shards=1&pipeline=_none", RECORD);
        assertThat(doc.status()).as(doc.body()).isEqualTo(201);
        assertThat(server.get("/" + SHARED + "/_doc/u2?routing=r").json().get("found").asBoolean()).isTrue();

        Answer unknown = bulk("?colour=red", indexLine("\"_index\":\"" + SHARED + "\""));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.errorReason()).contains("unrecognized parameter: [colour]");
        // TimeValue.parseTimeValue and ActiveShardCount.parseString.
        String line = indexLine("\"_index\":\"" + SHARED + "\"");
        assertBadRequest(bulk("?timeout=10", line), "illegal_argument_exception",
                "failed to parse setting [timeout] with value [10] as a time value: unit is missing or unrecognized");
        assertBadRequest(bulk("?timeout=1.5s", line), "illegal_argument_exception",
                "failed to parse [1.5s], fractional time values are not supported");
        assertBadRequest(server.send("PUT", "/" + SHARED + "/_doc/t?timeout=-2s", RECORD), "illegal_argument_exception",
                "failed to parse setting [timeout] with value [-2s] as a time value: negative durations are not supported");
        assertBadRequest(bulk("?wait_for_active_shards=some", line), "illegal_argument_exception",
                "cannot parse ActiveShardCount[some]");
        assertBadRequest(server.send("DELETE", "/" + SHARED + "/_doc/t?wait_for_active_shards=-1", null),
                "illegal_argument_exception", "shard count cannot be a negative value");
        assertThat(bulk("?timeout=-1&wait_for_active_shards=all", line).status()).isEqualTo(200);
        assertBadRequest(bulk("?require_alias=maybe", indexLine("\"_index\":\"" + SHARED + "\"")), "illegal_argument_exception",
                "Failed to parse value [maybe] as only [true] or [false] are allowed.");
    }

    /** RestDeleteIndexAction over results indices; DestructiveOperations and IndexNameExpressionResolver's refusals. */
    @Test
    void deletingAResultsIndexDeletesItsDocumentsAsElasticsearchWould() {
        assertThat(bulk("?refresh=true", indexLine("\"_index\":\"" + SHARED + "\",\"_id\":\"d1\"")).status()).isEqualTo(200);
        assertThat(server.get("/_ml/anomaly_detectors/bulk-job/results/records").json().get("count").asInt()).isEqualTo(1);

        Answer deleted = server.send("DELETE", "/" + SHARED, null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(deleted.body()).isEqualTo("{\"acknowledged\":true}");
        assertThat(server.get("/" + SHARED + "/_doc/d1").status()).isEqualTo(404);
        assertThat(server.get("/_ml/anomaly_detectors/bulk-job/results/records").json().get("count").asInt()).isZero();
        assertThat(server.get("/_ml/anomaly_detectors/bulk-job").status()).as("the job stays").isEqualTo(200);
        JsonNode again = server.send("PUT", "/" + SHARED + "/_doc/d1", RECORD).json();
        assertThat(again.get("_version").asInt()).as("a new index starts documents over").isEqualTo(1);

        for (String everything : List.of(".ml-anomalies-*", "_all", "*")) {
            assertBadRequest(server.send("DELETE", "/" + everything, null), "illegal_argument_exception",
                    "Wildcard expressions or all indices are not allowed");
        }
        assertBadRequest(server.send("DELETE", "/.ml-anomalies-bulk-job", null), "illegal_argument_exception",
                "The provided expression [.ml-anomalies-bulk-job] matches an alias, specify the corresponding concrete indices "
                        + "instead.");

        Answer missing = server.send("DELETE", "/logs", null);
        assertThat(missing.status()).isEqualTo(404);
        JsonNode error = missing.json().get("error");
        assertThat(keys(error)).containsExactly("root_cause", "type", "reason", "resource.type", "resource.id", "index_uuid",
                "index");
        assertThat(error.get("reason").asText()).isEqualTo("no such index [logs]");
        assertThat(error.get("resource.type").asText()).isEqualTo("index_or_alias");
        assertThat(error.get("resource.id").asText()).isEqualTo("logs");
        assertThat(error.get("index_uuid").asText()).isEqualTo("_na_");
        assertThat(server.send("DELETE", "/.ml-anomalies-custom-never", null).status()).isEqualTo(404);
        assertThat(server.send("DELETE", "/logs," + SHARED + "?ignore_unavailable=true", null).body())
                .as("IndicesOptions.ignoreUnavailable skips the missing one").isEqualTo("{\"acknowledged\":true}");
        assertThat(server.send("GET", "/logs", null).json().get("error").asText()).as("other methods on /{index} are still unknown")
                .startsWith("no handler found");
    }

    /** The delete_index index privilege grants indices:admin/delete; delete (documents) does not. */
    @Test
    void deletingAnIndexNeedsTheDeleteIndexPrivilege() {
        String su = TestServer.SUPERUSER_AUTHORIZATION;
        for (String privilege : List.of("delete", "delete_index")) {
            String role = "{\"indices\":[{\"names\":[\".ml-anomalies-*\"],\"privileges\":[\"" + privilege + "\"]}]}";
            assertThat(server.send("PUT", "/_security/role/" + privilege, role, "application/json", su).status()).isEqualTo(200);
            assertThat(server.send("PUT", "/_security/user/u-" + privilege, "{\"password\":\"password-1\",\"roles\":[\""
                    + privilege + "\"]}", "application/json", su).status()).isEqualTo(200);
        }
        Answer refused = server.send("DELETE", "/" + SHARED, null, null, TestServer.basic("u-delete", "password-1"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorReason()).contains("action [indices:admin/delete]");
        assertThat(server.send("DELETE", "/" + SHARED, null, null, TestServer.basic("u-delete_index", "password-1")).status())
                .isEqualTo(200);
    }
}
