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
 * {@code GET _doc} parameters as {@code RestGetAction} reads them: {@code refresh}, {@code realtime}, {@code version}
 * and {@code version_type} ({@code VersionType.isVersionConflictForReads}, {@code GetRequest.validate}), and source
 * filtering ({@code FetchSourceContext.parseFromRestRequest}); what this server cannot answer exactly is refused.
 */
class GetDocumentParamsHttpTest {

    private static final String DOC = "/.ml-anomalies-shared/_doc/r1";
    private TestServer server;

    @BeforeEach
    void start() {
        server = TestServer.empty();
        server.send("PUT", DOC, "{\"job_id\":\"g\",\"result_type\":\"record\",\"record_score\":5,\"timestamp\":1000,"
                + "\"influencers\":[{\"influencer_field_name\":\"host\"}]}");
        server.send("PUT", DOC, "{\"job_id\":\"g\",\"result_type\":\"record\",\"record_score\":6,\"timestamp\":1000,"
                + "\"influencers\":[{\"influencer_field_name\":\"host\"}]}");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static List<String> fields(JsonNode source) {
        List<String> names = new ArrayList<>();
        source.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void sourceIsLeftOutOrFilteredByTopLevelFields() {
        assertThat(server.get(DOC + "?_source=false").json().has("_source")).isFalse();
        assertThat(fields(server.get(DOC + "?_source=true").json().get("_source")))
                .containsExactly("job_id", "result_type", "record_score", "timestamp", "influencers");
        assertThat(fields(server.get(DOC + "?_source=timestamp,job_id").json().get("_source")))
                .as("the document's order").containsExactly("job_id", "timestamp");
        assertThat(fields(server.get(DOC + "?_source=job_id&_source_includes=record_score").json().get("_source")))
                .as("_source_includes replaces the list").containsExactly("record_score");
        assertThat(fields(server.get(DOC + "?_source_excludes=influencers,job_id").json().get("_source")))
                .containsExactly("result_type", "record_score", "timestamp");
        assertThat(server.get(DOC + "?_source=influencers&_source_excludes=influencers").json().get("_source").isEmpty())
                .isTrue();
        assertThat(server.get(DOC + "?_source=false&_source_includes=job_id").json().has("_source"))
                .as("_source=false wins").isFalse();

        Answer wildcard = server.get(DOC + "?_source_includes=job*");
        assertThat(wildcard.status()).isEqualTo(400);
        assertThat(wildcard.errorReason()).isEqualTo("source filtering by [job*] is not supported by this server: only "
                + "top-level field names without wildcards are");
        assertThat(server.get(DOC + "?_source=influencers.influencer_field_name").status()).isEqualTo(400);
    }

    @Test
    void aVersionOtherThanTheDocumentsIsAConflict() {
        assertThat(server.get(DOC + "?version=2").status()).isEqualTo(200);
        Answer stale = server.get(DOC + "?version=1");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.errorType()).isEqualTo("version_conflict_engine_exception");
        assertThat(stale.errorReason()).isEqualTo("[r1]: version conflict, current version [2] is different than the one "
                + "provided [1]");
        assertThat(server.get(DOC + "?version=3&version_type=external").status()).isEqualTo(409);
        assertThat(server.get(DOC + "?version=2&version_type=external_gte").status()).isEqualTo(200);
        assertThat(server.get("/.ml-anomalies-shared/_doc/missing?version=1").status()).as("not found, no conflict")
                .isEqualTo(404);

        Answer zero = server.get(DOC + "?version=0");
        assertThat(zero.status()).isEqualTo(400);
        assertThat(zero.errorType()).isEqualTo("action_request_validation_exception");
        assertThat(zero.errorReason()).isEqualTo("Validation Failed: 1: illegal version value [0] for version type "
                + "[INTERNAL];");
        assertThat(server.get(DOC + "?version=0&version_type=external").status()).isEqualTo(409);
        assertThat(server.get(DOC + "?version_type=force").errorReason()).isEqualTo("No version type match [force]");
    }

    @Test
    void refreshRealtimeAndStoredFields() {
        assertThat(server.get(DOC + "?refresh=true&realtime=true&routing=x&preference=_local").status()).isEqualTo(200);
        assertThat(server.get(DOC + "?refresh=maybe").errorReason())
                .isEqualTo("Failed to parse value [maybe] as only [true] or [false] are allowed.");
        Answer notRealtime = server.get(DOC + "?realtime=false");
        assertThat(notRealtime.status()).isEqualTo(400);
        assertThat(notRealtime.errorReason()).startsWith("[realtime=false] is not supported by this server");
        assertThat(server.get(DOC + "?stored_fields=job_id").errorReason())
                .startsWith("[stored_fields] is not supported by this server");
    }
}
