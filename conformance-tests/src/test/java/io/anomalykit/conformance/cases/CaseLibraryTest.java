package io.anomalykit.conformance.cases;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.conformance.report.Coverage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cases are complete and well formed. */
class CaseLibraryTest {

    private static final CaseLibrary LIBRARY = CaseLibrary.load();

    @Test
    void everyDocumentedExampleOfTheSpecIsACase() {
        List<String> expected = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : Contract.get().spec().get("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                JsonNode examples = Contract.get().deref(operation.getValue().path("requestBody")).path("content")
                        .path("application/json").path("examples");
                examples.fieldNames().forEachRemaining(name -> expected.add("example."
                        + operation.getValue().get("operationId").asText() + "." + name));
            }
        }
        assertThat(expected).hasSize(8);
        assertThat(LIBRARY.cases()).extracting(Case::id).containsAll(expected);
    }

    @Test
    void coverageFindsNoDocumentedExampleWithoutACase() {
        Coverage coverage = Coverage.of(LIBRARY.cases());
        assertThat(coverage.examplesWithoutCase()).isEmpty();
        assertThat(coverage.operations().get("mlGetRecords")).isGreaterThan(10);
        assertThat(coverage.parameters().get("mlGetRecords record_score")).isPositive();
        List<Case> withoutExamples = LIBRARY.cases().stream().filter(c -> !c.kind().equals("example")).toList();
        assertThat(Coverage.of(withoutExamples).examplesWithoutCase()).hasSize(8);
    }

    @Test
    void everyKindOfRuleIsThere() {
        assertThat(LIBRARY.cases()).extracting(Case::kind).contains("example", "behaviour", "negative", "protocol");
        assertThat(LIBRARY.cases()).allSatisfy(c -> {
            assertThat(c.source()).isNotBlank();
            assertThat(c.title()).isNotBlank();
            assertThat(LIBRARY.dataset(c.dataset())).isNotNull();
        });
    }

    /** A case's rule is its ledger entry: every case asserting one disagreement gates at the same level. */
    @Test
    void noCaseContradictsTheLevelOfItsRule() {
        Map<String, List<Case>> byLedger = new java.util.TreeMap<>();
        LIBRARY.cases().stream().filter(c -> c.ledger() != null)
                .forEach(c -> byLedger.computeIfAbsent(c.ledger(), k -> new ArrayList<>()).add(c));
        assertThat(byLedger).containsKey("legacy-prefix");
        byLedger.forEach((ledger, cases) -> assertThat(cases).as("the cases of ledger entry " + ledger)
                .extracting(Case::level).containsOnly(cases.get(0).level()));
        Level legacyRule = LIBRARY.cases().stream().filter(c -> c.id().equals("records.legacy-prefix")).findFirst()
                .orElseThrow().level();
        assertThat(LIBRARY.cases()).filteredOn(c -> c.request().path().startsWith("/_xpack/"))
                .hasSizeGreaterThan(2)
                .allSatisfy(c -> assertThat(c.level()).as(c.id()).isEqualTo(legacyRule));
    }

    @Test
    void caseFilesAreStrict() {
        String misspelt = "kind: behaviour\ncases:\n  - id: x\n    level: required\n    title: t\n    source: s\n"
                + "    request: {method: GET, path: /}\n    expect: {statuss: 200}\n";
        assertThatThrownBy(() -> CaseLibrary.readCaseFile("test.yaml", misspelt))
                .isInstanceOf(CaseLibrary.CaseFileException.class)
                .hasMessageContaining("unknown key [statuss]");
    }
}
