package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each results index keeps its own documents, as each Elasticsearch shard does ({@code InternalEngine}'s version map
 * and {@code LocalCheckpointTracker}; a results index has one shard), and the count API ({@code RestCountAction})
 * counts one index's documents.
 */
class DocumentsPerIndexHttpTest {

    private static final String A = "/.ml-anomalies-custom-a";
    private static final String B = "/.ml-anomalies-custom-b";
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.empty();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String record(String job, double score) {
        return "{\"job_id\":\"" + job + "\",\"result_type\":\"record\",\"probability\":0.01,\"record_score\":" + score
                + ",\"initial_record_score\":" + score + ",\"bucket_span\":900,\"detector_index\":0,\"is_interim\":false,"
                + "\"timestamp\":1000,\"function\":\"count\"}";
    }

    @Test
    void theSameIdInTwoIndicesIsTwoDocuments() {
        JsonNode inA = server.send("PUT", A + "/_doc/x1", record("j", 1)).json();
        JsonNode inB = server.send("PUT", B + "/_doc/x1", record("j", 2)).json();
        assertThat(inA.get("result").asText()).isEqualTo("created");
        assertThat(inB.get("result").asText()).as("not an update of a's x1").isEqualTo("created");
        assertThat(inB.get("_version").asLong()).isEqualTo(1);
        assertThat(inB.get("_seq_no").asLong()).as("b's first sequence number").isZero();
        assertThat(server.send("PUT", A + "/_doc/x2", record("j", 3)).json().get("_seq_no").asLong()).isEqualTo(1);

        assertThat(server.get(A + "/_doc/x1").json().at("/_source/record_score").asDouble()).isEqualTo(1.0);
        assertThat(server.get(B + "/_doc/x1").json().at("/_source/record_score").asDouble()).isEqualTo(2.0);
        assertThat(server.send("DELETE", A + "/_doc/x1", null).json().get("result").asText()).isEqualTo("deleted");
        assertThat(server.get(B + "/_doc/x1").status()).isEqualTo(200);
        assertThat(server.send("PUT", B + "/_doc/x1?if_seq_no=0&if_primary_term=1", record("j", 4)).status())
                .isEqualTo(200);
    }

    @Test
    void aDeletedIndexStartsAgainAtSequenceNumberZero() {
        server.send("PUT", A + "/_doc/x1", record("j", 1));
        server.send("PUT", A + "/_doc/x1", record("j", 2));
        assertThat(server.send("DELETE", A, null).status()).isEqualTo(200);
        JsonNode again = server.send("PUT", A + "/_doc/x1", record("j", 3)).json();
        assertThat(again.get("_version").asLong()).isEqualTo(1);
        assertThat(again.get("_seq_no").asLong()).isZero();
        assertThat(server.send("DELETE", A, null).status()).isEqualTo(200);
        assertThat(server.send("DELETE", A, null).status()).as("gone").isEqualTo(404);
    }

    /** RestCountAction's answer: {@code count} and the broadcast shards header (total, successful, skipped, failed). */
    @Test
    void countCountsOneIndexsDocuments() {
        server.send("PUT", A + "/_doc/x1?refresh=true", record("j", 1));
        server.send("PUT", A + "/_doc/x2?refresh=true", record("k", 1));
        server.send("PUT", B + "/_doc/x1?refresh=true", record("j", 1));

        Answer count = server.send("POST", A + "/_count", null);
        assertThat(count.status()).isEqualTo(200);
        assertThat(count.body()).isEqualTo("{\"count\":2,\"_shards\":{\"total\":1,\"successful\":1,\"skipped\":0,\"failed\":0}}");
        assertThat(server.get(B + "/_count").json().get("count").asLong()).isEqualTo(1);
        assertThat(server.send("GET", A + "/_count", "{\"query\":{\"match_all\":{}}}").json().get("count").asLong())
                .isEqualTo(2);
        assertThat(server.send("POST", A + "/_count", "{}").json().get("count").asLong()).isEqualTo(2);
        server.send("DELETE", A + "/_doc/x2?refresh=true", null);
        assertThat(server.get(A + "/_count").json().get("count").asLong()).isEqualTo(1);
        assertThat(server.get("/.ml-anomalies-shared/_count").json().get("count").asLong()).as("exists, empty").isZero();

        Answer missing = server.get("/.ml-anomalies-custom-never/_count");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorType()).isEqualTo("index_not_found_exception");
    }

    /** RestActions.getQueryContent: only {@code query} in the body, as a ParsingException with its location. */
    @Test
    void countRefusesWhatItCannotCountExactly() {
        server.send("PUT", A + "/_doc/x1?refresh=true", record("j", 1));
        Answer unknownField = server.send("POST", A + "/_count", "{\"size\":1}");
        assertThat(unknownField.status()).isEqualTo(400);
        assertThat(unknownField.errorType()).isEqualTo("parsing_exception");
        assertThat(unknownField.errorReason()).isEqualTo("request does not support [size]");
        assertThat(unknownField.json().at("/error/line").asInt()).isEqualTo(1);
        assertThat(unknownField.json().at("/error/col").asInt()).isEqualTo(2);

        Answer term = server.send("POST", A + "/_count", "{\"query\":{\"term\":{\"job_id\":\"j\"}}}");
        assertThat(term.status()).isEqualTo(400);
        assertThat(term.errorType()).isEqualTo("illegal_argument_exception");
        assertThat(term.errorReason()).startsWith("query [term] is not supported by this server's count API");
        assertThat(server.get(A + "/_count?q=job_id:j").errorReason()).startsWith("query [query_string ([q])] is not");
        assertThat(server.send("POST", A + "/_count", "[]").errorReason()).isEqualTo("Expected [START_OBJECT] but found [START_ARRAY]");
        assertThat(server.get(A + "/_count?min_score=1").status()).isEqualTo(400);
    }

    /** CountAction is a search: indices:data/read/search, granted by the read index privilege and not by write. */
    @Test
    void countingNeedsTheReadPrivilege() {
        String su = TestServer.SUPERUSER_AUTHORIZATION;
        for (String privilege : List.of("read", "write")) {
            String role = "{\"indices\":[{\"names\":[\".ml-anomalies-*\"],\"privileges\":[\"" + privilege + "\"]}]}";
            assertThat(server.send("PUT", "/_security/role/" + privilege, role, "application/json", su).status()).isEqualTo(200);
            assertThat(server.send("PUT", "/_security/user/u-" + privilege, "{\"password\":\"password-1\",\"roles\":[\""
                    + privilege + "\"]}", "application/json", su).status()).isEqualTo(200);
        }
        Answer refused = server.send("GET", "/.ml-anomalies-shared/_count", null, null, TestServer.basic("u-write", "password-1"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorReason()).contains("action [indices:data/read/search]");
        assertThat(server.send("GET", "/.ml-anomalies-shared/_count", null, null, TestServer.basic("u-read", "password-1"))
                .status()).isEqualTo(200);
    }
}
