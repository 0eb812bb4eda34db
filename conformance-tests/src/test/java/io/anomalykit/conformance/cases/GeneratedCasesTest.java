package io.anomalykit.conformance.cases;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator is deterministic and its oracle applies Elasticsearch's rules. */
class GeneratedCasesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSameSeedGivesTheSameCasesAndData() {
        GeneratedCases first = GeneratedCases.create(5, 100, 20);
        GeneratedCases second = GeneratedCases.create(5, 100, 20);
        assertThat(second.cases()).isEqualTo(first.cases());
        assertThat(second.dataset()).isEqualTo(first.dataset());
        assertThat(GeneratedCases.create(6, 100, 20).dataset().bulkBody()).isNotEqualTo(first.dataset().bulkBody());
    }

    private static ObjectNode record(double score, long timestamp, Boolean interim, double... actual) {
        ObjectNode doc = JSON.createObjectNode().put("record_score", score).put("timestamp", timestamp);
        if (interim != null) {
            doc.put("is_interim", interim);
        }
        var values = doc.putArray("actual");
        for (double value : actual) {
            values.add(value);
        }
        return doc;
    }

    @Test
    void theOracleAppliesTheWindowThresholdAndInterimRules() {
        ObjectNode before = record(10, 999, false, 1);
        ObjectNode atStart = record(20, 1000, null, 1);
        ObjectNode interim = record(30, 1500, true, 1);
        ObjectNode atEnd = record(40, 2000, false, 1);
        List<ObjectNode> docs = List.of(before, atStart, interim, atEnd);
        assertThat(GeneratedCases.oracle(docs, 1000L, 2000L, 0, false, "record_score", true, true))
                .containsExactly(interim, atStart);
        assertThat(GeneratedCases.oracle(docs, null, null, 20, true, "record_score", false, true))
                .containsExactly(atStart, atEnd);
    }

    @Test
    void theOracleSortsMultiValuedFieldsAndMissingValuesLikeElasticsearch() {
        ObjectNode wide = record(1, 1, false, 1, 100);
        ObjectNode middle = record(2, 2, false, 50);
        ObjectNode none = record(3, 3, false);
        none.remove("actual");
        List<ObjectNode> docs = List.of(none, middle, wide);
        assertThat(GeneratedCases.oracle(docs, null, null, 0, false, "actual", true, true)).containsExactly(wide, middle, none);
        assertThat(GeneratedCases.oracle(docs, null, null, 0, false, "actual", false, true)).containsExactly(wide, middle, none);
    }
}
