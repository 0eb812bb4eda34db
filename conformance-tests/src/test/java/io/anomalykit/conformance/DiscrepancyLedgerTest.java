package io.anomalykit.conformance;

import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.report.DiscrepancyLedger;
import io.anomalykit.conformance.report.UpstreamYamlFailures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/discrepancies.md is exactly what the contract's ledger and the cases generate. */
class DiscrepancyLedgerTest {

    private static final Path PAGE = Path.of("..", "docs", "discrepancies.md");

    @Test
    void theLedgerPageIsUpToDate() throws IOException {
        String generated = DiscrepancyLedger.render(CaseLibrary.load());
        if (Boolean.getBoolean("anomalykit.updateDocs")) {
            Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(PAGE)).as("docs/discrepancies.md exists").isTrue();
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .as("docs/discrepancies.md is stale: regenerate it with -Danomalykit.updateDocs=true")
                .isEqualTo(generated);
    }

    @Test
    void everyEntryTheKitCanCheckIsAssertedByACase() {
        String generated = DiscrepancyLedger.render(CaseLibrary.load());
        assertThat(generated).doesNotContain("nothing yet: no case names this entry");
        assertThat(generated).contains("`records.desc.default-true` (required)")
                .contains("`example.xpackGetRecords.documented` (recommended)")
                .contains("`authorization.records.get.cluster-without-index-read` (optional)");
    }

    @Test
    void everyFailingUpstreamYamlTestIsListedWithItsReasonAndCounted() {
        UpstreamYamlFailures upstream = UpstreamYamlFailures.load();
        assertThat(upstream.counts()).isNotEmpty();
        assertThat(upstream.failures()).allSatisfy(failure -> assertThat(failure.reason()).isNotBlank());
        assertThat(DiscrepancyLedger.render(CaseLibrary.load()))
                .contains("## Elasticsearch's YAML REST tests that still fail")
                .contains("| ml/jobs_get_result_influencers.yml | 9 | 0 | 0 | 0 |")
                .contains("- `Test close job` (out-of-scope): ");
    }
}
