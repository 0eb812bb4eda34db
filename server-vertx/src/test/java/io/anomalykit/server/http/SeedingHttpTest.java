package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsQuery;
import io.anomalykit.server.query.SortKey;
import io.anomalykit.server.store.SearchPage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Seeding through Elasticsearch's own APIs, so one script works here and against a cluster. */
class SeedingHttpTest {

    private static final String JOB_BODY = "{\"analysis_config\":{\"bucket_span\":\"15m\",\"detectors\":"
            + "[{\"function\":\"mean\",\"field_name\":\"cpu\",\"partition_field_name\":\"host\"}],\"influencers\":[\"host\"]},"
            + "\"data_description\":{\"time_field\":\"@timestamp\"}}";
    private static final String RECORDS = "/_ml/anomaly_detectors/seed-job/results/records";

    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.empty();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String record(long timestamp, double score) {
        return "{\"job_id\":\"seed-job\",\"result_type\":\"record\",\"probability\":0.01,\"record_score\":" + score
                + ",\"initial_record_score\":" + score + ",\"bucket_span\":900,\"detector_index\":0,\"is_interim\":false,"
                + "\"timestamp\":" + timestamp + ",\"function\":\"mean\",\"partition_field_name\":\"host\","
                + "\"partition_field_value\":\"h1\",\"junk\":\"dropped on output\"}";
    }

    @Test
    void jobsAreCreatedReadAndDeletedLikeElasticsearchJobs() {
        Answer created = server.send("PUT", "/_ml/anomaly_detectors/seed-job", JOB_BODY);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        JsonNode job = created.json();
        assertThat(job.get("job_id").asText()).isEqualTo("seed-job");
        assertThat(job.get("job_type").asText()).isEqualTo("anomaly_detector");
        assertThat(job.at("/analysis_config/detectors/0/detector_index").asInt()).isZero();
        assertThat(job.get("results_index_name").asText()).isEqualTo("shared");

        Answer duplicate = server.send("PUT", "/_ml/anomaly_detectors/seed-job", JOB_BODY);
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.errorType()).isEqualTo("resource_already_exists_exception");
        assertThat(duplicate.errorReason()).isEqualTo("The job cannot be created with the Id 'seed-job'. The Id is already used.");

        JsonNode got = server.get("/_ml/anomaly_detectors/seed-job").json();
        assertThat(got.get("count").asInt()).isEqualTo(1);
        assertThat(got.at("/jobs/0/job_id").asText()).isEqualTo("seed-job");

        assertThat(server.get(RECORDS).json().toString()).isEqualTo("{\"count\":0,\"records\":[]}");
        assertThat(server.send("DELETE", "/_ml/anomaly_detectors/seed-job", null).json().get("acknowledged").asBoolean())
                .isTrue();
        assertThat(server.get(RECORDS).status()).isEqualTo(404);
        assertThat(server.send("DELETE", "/_ml/anomaly_detectors/seed-job", null).status()).isEqualTo(404);
    }

    @Test
    void jobIdsFollowElasticsearchsRules() {
        Answer upper = server.send("PUT", "/_ml/anomaly_detectors/Bad_Id", JOB_BODY);
        assertThat(upper.status()).isEqualTo(400);
        assertThat(upper.errorReason()).isEqualTo("Invalid job_id; 'Bad_Id' can contain lowercase alphanumeric (a-z and 0-9), "
                + "hyphens or underscores; must start and end with alphanumeric");
        Answer tooLong = server.send("PUT", "/_ml/anomaly_detectors/" + "a".repeat(65), JOB_BODY);
        assertThat(tooLong.errorReason()).isEqualTo("The job id cannot contain more than 64 characters.");
        Answer inconsistent = server.send("PUT", "/_ml/anomaly_detectors/one", "{\"job_id\":\"two\","
                + JOB_BODY.substring(1));
        assertThat(inconsistent.errorReason()).startsWith("Inconsistent job_id; 'two' specified in the body differs");
        Answer unknownField = server.send("PUT", "/_ml/anomaly_detectors/one", "{\"analysis\":{}}");
        assertThat(unknownField.errorType()).isEqualTo("x_content_parse_exception");
        assertThat(unknownField.errorReason()).contains("[job_details] unknown field [analysis]");
        Answer noDetectors = server.send("PUT", "/_ml/anomaly_detectors/one",
                "{\"analysis_config\":{\"detectors\":[]},\"data_description\":{}}");
        assertThat(noDetectors.errorReason()).as("AnalysisConfig is built while the job is parsed")
                .endsWith("[job_details] failed to parse field [analysis_config]");
        assertThat(noDetectors.json().at("/error/caused_by/reason").asText()).isEqualTo("No detectors configured");
    }

    @Test
    void bulkKeepsGoodItemsWhenSomeFail() throws Exception {
        server.send("PUT", "/_ml/anomaly_detectors/seed-job", JOB_BODY);
        // Written as no JSON writer would: kept as sent all the same.
        String first = record(1000, 10).replace("\"probability\":0.01", "\"probability\" : 1.0E-2");
        String bulk = "{\"index\":{\"_index\":\".ml-anomalies-.write-seed-job\",\"_id\":\"r1\"}}\n" + first + "\n"
                + "{\"index\":{\"_index\":\".ml-anomalies-.write-seed-job\",\"_id\":\"r2\"}}\n"
                + record(2000, 20).replace("\"timestamp\":2000", "\"timestamp\":\"yesterday-ish\"") + "\n"
                + "{\"create\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"r3\"}}\n{\"broken\": }\n"
                + "{\"index\":{\"_index\":\".ml-anomalies-.write-no-such-job\",\"_id\":\"r4\"}}\n" + record(4000, 40) + "\n"
                + "\n"
                + "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"r5\"}}\n" + record(5000, 50) + "\n";
        Answer answer = server.send("POST", "/_bulk?refresh=true", bulk, "application/x-ndjson");
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode items = answer.json().get("items");
        assertThat(answer.json().get("errors").asBoolean()).isTrue();
        assertThat(items).hasSize(4 + 1);
        assertThat(items.get(0).at("/index/status").asInt()).isEqualTo(201);
        assertThat(items.get(0).at("/index/_index").asText()).isEqualTo(".ml-anomalies-shared");
        assertThat(items.get(1).at("/index/status").asInt()).isEqualTo(400);
        assertThat(items.get(1).at("/index/error/type").asText()).isEqualTo("document_parsing_exception");
        assertThat(items.get(2).at("/create/error/type").asText()).isEqualTo("document_parsing_exception");
        assertThat(items.get(3).at("/index/status").asInt()).isEqualTo(404);
        assertThat(items.get(3).at("/index/error/type").asText()).isEqualTo("index_not_found_exception");
        assertThat(items.get(4).at("/index/result").asText()).isEqualTo("created");

        JsonNode records = server.get(RECORDS + "?desc=false").json();
        assertThat(records.get("count").asLong()).isEqualTo(2);
        assertThat(records.at("/records/0/junk").isMissingNode()).as("unknown stored fields are dropped").isTrue();
        assertThat(records.at("/records/0/host/0").asText()).isEqualTo("h1");
        // The store keeps each document as the client sent it, as Elasticsearch keeps _source.
        SearchPage stored = server.store().searchSources(ResultsQuery.of("seed-job", ResultType.RECORD, null, null, false,
                0, List.of(new SortKey("timestamp", false)), 0, 10)).toCompletionStage().toCompletableFuture().get();
        assertThat(new String(stored.hits().get(0), StandardCharsets.UTF_8)).isEqualTo(first);
    }

    @Test
    void malformedBulkRequestsFailWhole() {
        Answer unterminated = server.send("POST", "/_bulk", "{\"index\":{}}\n{}", "application/x-ndjson");
        assertThat(unterminated.status()).isEqualTo(400);
        assertThat(unterminated.errorReason()).isEqualTo("The bulk request must be terminated by a newline [\\n]");
        Answer badAction = server.send("POST", "/_bulk", "{\"upsert\":{}}\n{}\n", "application/x-ndjson");
        assertThat(badAction.errorReason()).contains("Malformed action/metadata line [1]");
        Answer update = server.send("POST", "/_bulk", "{\"update\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"u\"}}\n"
                + "{\"doc\":{}}\n", "application/x-ndjson");
        assertThat(update.json().at("/items/0/update/error/type").asText()).isEqualTo("illegal_argument_exception");
        Answer noIndex = server.send("POST", "/_bulk", "{\"index\":{}}\n{}\n", "application/x-ndjson");
        assertThat(noIndex.errorType()).isEqualTo("action_request_validation_exception");
        Answer defaultIndex = server.send("POST", "/.ml-anomalies-shared/_bulk?refresh", "{\"index\":{}}\n"
                + record(1, 1) + "\n", "application/x-ndjson");
        assertThat(defaultIndex.json().at("/items/0/index/status").asInt()).isEqualTo(201);
    }

    @Test
    void indexingOneDocumentCreatesThenReplaces() {
        server.send("PUT", "/_ml/anomaly_detectors/seed-job", JOB_BODY);
        Answer created = server.send("PUT", "/.ml-anomalies-.write-seed-job/_doc/one?refresh=true", record(1000, 10));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("result").asText()).isEqualTo("created");
        Answer updated = server.send("PUT", "/.ml-anomalies-.write-seed-job/_doc/one?refresh=true", record(1000, 77));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("_version").asLong()).isEqualTo(2);
        JsonNode records = server.get(RECORDS).json();
        assertThat(records.get("count").asLong()).isEqualTo(1);
        assertThat(records.at("/records/0/record_score").asDouble()).isEqualTo(77.0);
        Answer create = server.send("PUT", "/.ml-anomalies-shared/_doc/one?op_type=create", record(1000, 1));
        assertThat(create.status()).isEqualTo(409);
        assertThat(create.errorType()).isEqualTo("version_conflict_engine_exception");
        Answer generated = server.send("POST", "/.ml-anomalies-shared/_doc", record(3000, 3));
        assertThat(generated.status()).isEqualTo(201);
        assertThat(generated.json().get("_id").asText()).hasSize(20);
        Answer notResults = server.send("PUT", "/logs/_doc/1", "{}");
        assertThat(notResults.status()).isEqualTo(400);
    }

    @Test
    void refreshPublishesWritesAndProbesLookLikeElasticsearch() {
        server.send("PUT", "/_ml/anomaly_detectors/seed-job", JOB_BODY);
        server.send("PUT", "/.ml-anomalies-shared/_doc/later", record(1000, 10));
        assertThat(server.send("POST", "/_refresh", null).json().at("/_shards/failed").asInt()).isZero();
        assertThat(server.get(RECORDS).json().get("count").asLong()).isEqualTo(1);
        assertThat(server.send("POST", "/.ml-anomalies-shared/_refresh", null).status()).isEqualTo(200);
        assertThat(server.send("POST", "/logs/_refresh", null).status()).isEqualTo(404);

        Answer root = server.get("/");
        assertThat(root.header("X-elastic-product")).isEqualTo("Elasticsearch");
        assertThat(root.json().at("/version/number").asText()).startsWith("8.");
        assertThat(root.json().get("tagline").asText()).isEqualTo("You Know, for Search");
        assertThat(server.send("HEAD", "/", null).status()).isEqualTo(200);
        assertThat(server.get("/_cluster/health").json().get("status").asText()).isEqualTo("green");
    }
}
