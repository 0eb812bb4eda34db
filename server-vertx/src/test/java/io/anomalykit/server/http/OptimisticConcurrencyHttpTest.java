package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Optimistic concurrency over real HTTP, as Elasticsearch answers it: {@code if_seq_no}/{@code if_primary_term} and
 * {@code version}/{@code version_type} in {@code _bulk} action lines ({@code BulkRequestParser}) and {@code _doc}
 * parameters ({@code RestIndexAction}), validated as {@code DocWriteRequest.validateSeqNoBasedCASParams} and
 * {@code IndexRequest.validate}, checked as {@code InternalEngine.planIndexingAsPrimary} with
 * {@code VersionConflictEngineException}'s texts.
 */
class OptimisticConcurrencyHttpTest {

    private static final String DOC = "/.ml-anomalies-shared/_doc/";
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.empty();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String record(double score) {
        return "{\"job_id\":\"occ\",\"result_type\":\"record\",\"probability\":0.01,\"record_score\":" + score
                + ",\"initial_record_score\":" + score + ",\"bucket_span\":900,\"detector_index\":0,\"is_interim\":false,"
                + "\"timestamp\":1000,\"function\":\"count\"}";
    }

    @Test
    void docWithIfSeqNoConflictsOnceTheDocumentMoved() {
        JsonNode first = server.send("PUT", DOC + "r1", record(1)).json();
        assertThat(first.get("_primary_term").asLong()).isEqualTo(1);
        long seq = first.get("_seq_no").asLong();
        Answer updated = server.send("PUT", DOC + "r1?if_seq_no=" + seq + "&if_primary_term=1", record(2));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("result").asText()).isEqualTo("updated");
        long now = updated.json().get("_seq_no").asLong();
        Answer stale = server.send("PUT", DOC + "r1?if_seq_no=" + seq + "&if_primary_term=1", record(3));
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.errorType()).isEqualTo("version_conflict_engine_exception");
        assertThat(stale.json().at("/error").toString()).as("EngineException names its shard")
                .contains("\"index_uuid\":").endsWith(",\"shard\":\"0\",\"index\":\".ml-anomalies-shared\"}");
        assertThat(stale.errorReason()).isEqualTo("[r1]: version conflict, required seqNo [" + seq + "], primary term [1]. "
                + "current document has seqNo [" + now + "] and primary term [1]");
        Answer otherTerm = server.send("PUT", DOC + "r1?if_seq_no=" + now + "&if_primary_term=2", record(3));
        assertThat(otherTerm.errorReason()).endsWith("current document has seqNo [" + now + "] and primary term [1]");
        Answer missing = server.send("PUT", DOC + "nope?if_seq_no=0&if_primary_term=1", record(3));
        assertThat(missing.errorReason()).isEqualTo("[nope]: version conflict, required seqNo [0], primary term [1]. but no "
                + "document was found");
    }

    @Test
    void externalVersionsOnDocAndOpTypeCreate() {
        Answer created = server.send("PUT", DOC + "v1?version=7&version_type=external", record(1));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("_version").asLong()).isEqualTo(7);
        Answer same = server.send("PUT", DOC + "v1?version=7&version_type=external", record(2));
        assertThat(same.status()).isEqualTo(409);
        assertThat(same.errorReason()).isEqualTo("[v1]: version conflict, current version [7] is higher or equal to the one "
                + "provided [7]");
        assertThat(server.send("PUT", DOC + "v1?version=7&version_type=external_gte", record(2)).status()).isEqualTo(200);
        Answer create = server.send("PUT", DOC + "v1?op_type=create", record(3));
        assertThat(create.status()).isEqualTo(409);
        assertThat(create.errorReason()).isEqualTo("[v1]: version conflict, document already exists (current version [7])");
    }

    @Test
    void refusedCombinationsAreValidationErrors() {
        Answer internal = server.send("PUT", DOC + "i1?version=2", record(1));
        assertThat(internal.status()).isEqualTo(400);
        assertThat(internal.errorType()).isEqualTo("action_request_validation_exception");
        assertThat(internal.errorReason()).isEqualTo("Validation Failed: 1: internal versioning can not be used for optimistic "
                + "concurrency control. Please use `if_seq_no` and `if_primary_term` instead;");
        Answer noTerm = server.send("PUT", DOC + "i1?if_seq_no=1", record(1));
        assertThat(noTerm.errorReason()).isEqualTo("Validation Failed: 1: ifSeqNo is set, but primary term is [0];");
        Answer both = server.send("PUT", DOC + "i1?if_seq_no=1&if_primary_term=1&version=3&version_type=external", record(1));
        assertThat(both.errorReason()).isEqualTo("Validation Failed: 1: compare and write operations can not use versioning;");
        Answer createExternal = server.send("PUT", DOC + "i1?op_type=create&version=3&version_type=external", record(1));
        assertThat(createExternal.errorReason()).isEqualTo("Validation Failed: 1: create operations only support internal "
                + "versioning. use index instead;");
        Answer badType = server.send("PUT", DOC + "i1?version=3&version_type=newest", record(1));
        assertThat(badType.errorType()).isEqualTo("illegal_argument_exception");
        assertThat(badType.errorReason()).isEqualTo("No version type match [newest]");
        Answer badNumber = server.send("PUT", DOC + "i1?if_seq_no=x&if_primary_term=1", record(1));
        assertThat(badNumber.errorReason()).isEqualTo("Failed to parse long parameter [if_seq_no] with value [x]");
        assertThat(server.send("PUT", DOC + "i1", record(1)).status()).as("nothing was written before").isEqualTo(201);

        Answer bulk = server.send("POST", "/_bulk", "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"b\",\"version\":2}}\n"
                + record(1) + "\n{\"delete\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"b\",\"if_seq_no\":3}}\n");
        assertThat(bulk.status()).as("BulkRequest.validate fails the whole request").isEqualTo(400);
        assertThat(bulk.errorReason()).isEqualTo("Validation Failed: 1: internal versioning can not be used for optimistic "
                + "concurrency control. Please use `if_seq_no` and `if_primary_term` instead;2: ifSeqNo is set, but primary "
                + "term is [0];");
    }

    @Test
    void bulkActionLinesCarryConditionsAndOpType() {
        long seq = server.send("PUT", DOC + "b1", record(1)).json().get("_seq_no").asLong();
        String ndjson = "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"b1\",\"if_seq_no\":" + seq
                + ",\"if_primary_term\":1}}\n" + record(2) + "\n"
                + "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"b1\",\"if_seq_no\":" + seq
                + ",\"if_primary_term\":1}}\n" + record(3) + "\n"
                + "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"b1\",\"op_type\":\"create\"}}\n" + record(4) + "\n"
                + "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"b2\",\"version\":4,\"version_type\":\"external\"}}\n"
                + record(5) + "\n";
        JsonNode items = server.send("POST", "/_bulk", ndjson).json().get("items");
        assertThat(items.get(0).at("/index/status").asInt()).isEqualTo(200);
        long moved = items.get(0).at("/index/_seq_no").asLong();
        assertThat(items.get(1).at("/index/status").asInt()).isEqualTo(409);
        assertThat(items.get(1).at("/index/error/reason").asText()).isEqualTo("[b1]: version conflict, required seqNo [" + seq
                + "], primary term [1]. current document has seqNo [" + moved + "] and primary term [1]");
        assertThat(items.get(1).at("/index/_seq_no").isMissingNode()).as("a refused write has no sequence number").isTrue();
        assertThat(items.get(2).has("create")).as("BulkItemResponse is keyed by the request's op type").isTrue();
        assertThat(items.get(2).at("/create/error/reason").asText()).startsWith("[b1]: version conflict, document already exists");
        assertThat(items.get(3).at("/index/_version").asLong()).isEqualTo(4);
        assertThat(items.get(3).at("/index/_seq_no").asLong()).as("the conflicts took no sequence numbers").isEqualTo(moved + 1);
    }

    /**
     * Two loaders that each read the document (GET _doc gives its _seq_no), add one and write it back with if_seq_no:
     * when both read the same state, one write wins and the other gets a 409 and reads again, so no increment is lost.
     */
    @Test
    void aLoaderUsingIfSeqNoCannotLoseAnUpdate() throws Exception {
        assertThat(server.send("PUT", DOC + "counter", counter(0)).status()).isEqualTo(201);
        int perLoader = 20;
        ConcurrentLinkedQueue<Integer> conflicts = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> loaders = new ArrayList<>();
        for (int loader = 0; loader < 2; loader++) {
            loaders.add(CompletableFuture.runAsync(() -> {
                for (int done = 0; done < perLoader; ) {
                    JsonNode read = server.send("GET", DOC + "counter", null).json();
                    long value = read.at("/_source/record_score").asLong();
                    Answer written = server.send("PUT", DOC + "counter?if_seq_no=" + read.get("_seq_no").asLong()
                            + "&if_primary_term=" + read.get("_primary_term").asLong(), counter(value + 1));
                    if (written.status() == 200) {
                        done++;
                    } else {
                        assertThat(written.status()).as(written.body()).isEqualTo(409);
                        conflicts.add(1);
                    }
                }
            }));
        }
        CompletableFuture.allOf(loaders.toArray(CompletableFuture[]::new)).get();
        JsonNode last = server.send("GET", DOC + "counter", null).json();
        assertThat(last.at("/_source/record_score").asLong()).as("every increment kept (%d conflicts)", conflicts.size())
                .isEqualTo(2L * perLoader);
        assertThat(last.get("_version").asLong()).isEqualTo(1 + 2L * perLoader);
    }

    /** RestGetAction (realtime), RestDeleteAction and RestIndexAction.CreateHandler on one document. */
    @Test
    void getDeleteAndCreateOfOneDocument() {
        Answer missing = server.send("GET", DOC + "g1", null);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"_index\":\".ml-anomalies-shared\",\"_id\":\"g1\",\"found\":false}");
        Answer created = server.send("PUT", "/.ml-anomalies-shared/_create/g1", record(1));
        assertThat(created.status()).isEqualTo(201);
        assertThat(server.send("PUT", "/.ml-anomalies-shared/_create/g1", record(1)).status()).isEqualTo(409);
        Answer wrongOp = server.send("PUT", "/.ml-anomalies-shared/_create/g1?op_type=index", record(1));
        assertThat(wrongOp.errorReason()).isEqualTo("opType must be 'create', found: [index]");
        JsonNode got = server.send("GET", DOC + "g1", null).json();
        assertThat(got.get("found").asBoolean()).isTrue();
        assertThat(got.get("_version").asLong()).isEqualTo(1);
        assertThat(got.get("_seq_no").asLong()).isEqualTo(created.json().get("_seq_no").asLong());
        assertThat(got.at("/_source/record_score").asDouble()).as("realtime: no refresh needed").isEqualTo(1.0);
        assertThat(server.send("HEAD", DOC + "g1", null).status()).isEqualTo(200);
        Answer staleDelete = server.send("DELETE", DOC + "g1?if_seq_no=99&if_primary_term=1", null);
        assertThat(staleDelete.status()).isEqualTo(409);
        Answer deleted = server.send("DELETE", DOC + "g1", null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("result").asText()).isEqualTo("deleted");
        assertThat(deleted.json().get("_version").asLong()).isEqualTo(2);
        Answer again = server.send("DELETE", DOC + "g1", null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().get("result").asText()).isEqualTo("not_found");
        assertThat(server.send("HEAD", DOC + "g1", null).status()).isEqualTo(404);
    }

    private static String counter(long value) {
        return "{\"job_id\":\"occ\",\"result_type\":\"record\",\"probability\":0.01,\"record_score\":" + value
                + ",\"initial_record_score\":0,\"bucket_span\":900,\"detector_index\":0,\"is_interim\":false,"
                + "\"timestamp\":2000,\"function\":\"count\"}";
    }
}
