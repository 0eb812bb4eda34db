package io.anomalykit.conformance.cases;

import io.anomalykit.model.AnomalyRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The generator is deterministic and its oracle applies Elasticsearch's rules. */
class GeneratedCasesTest {

    @Test
    void theSameSeedGivesTheSameCasesAndData() {
        GeneratedCases first = GeneratedCases.create(5, 100, 20);
        GeneratedCases second = GeneratedCases.create(5, 100, 20);
        assertThat(second.cases()).isEqualTo(first.cases());
        assertThat(second.dataset()).isEqualTo(first.dataset());
        assertThat(GeneratedCases.create(6, 100, 20).dataset().bulkBody()).isNotEqualTo(first.dataset().bulkBody());
    }

    private static AnomalyRecord record(double score, long timestamp, Boolean interim, double... actual) {
        AnomalyRecord doc = new AnomalyRecord().recordScore(score).timestamp(timestamp).isInterim(interim);
        doc.setActual(new ArrayList<>());
        for (double value : actual) {
            doc.addActualItem(value);
        }
        return doc;
    }

    @Test
    void theOracleAppliesTheWindowThresholdAndInterimRules() {
        AnomalyRecord before = record(10, 999, false, 1);
        AnomalyRecord atStart = record(20, 1000, null, 1);
        AnomalyRecord interim = record(30, 1500, true, 1);
        AnomalyRecord atEnd = record(40, 2000, false, 1);
        List<AnomalyRecord> docs = List.of(before, atStart, interim, atEnd);
        assertThat(GeneratedCases.oracle(docs, 1000L, 2000L, 0, false, "record_score", true, true))
                .containsExactly(interim, atStart);
        assertThat(GeneratedCases.oracle(docs, null, null, 20, true, "record_score", false, true))
                .containsExactly(atStart, atEnd);
    }

    @Test
    void theOracleSortsMultiValuedFieldsAndMissingValuesLikeElasticsearch() {
        AnomalyRecord wide = record(1, 1, false, 1, 100);
        AnomalyRecord middle = record(2, 2, false, 50);
        AnomalyRecord none = record(3, 3, false);
        none.setActual(null);
        List<AnomalyRecord> docs = List.of(none, middle, wide);
        assertThat(GeneratedCases.oracle(docs, null, null, 0, false, "actual", true, true)).containsExactly(wide, middle, none);
        assertThat(GeneratedCases.oracle(docs, null, null, 0, false, "actual", false, true)).containsExactly(wide, middle, none);
    }
}
