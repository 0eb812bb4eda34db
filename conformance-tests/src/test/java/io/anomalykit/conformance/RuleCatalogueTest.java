package io.anomalykit.conformance;

import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.report.RuleCatalogue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/rules.md is exactly what the case library generates, and every rule on it says what it rests on. */
class RuleCatalogueTest {

    private static final Path PAGE = Path.of("..", "docs", "rules.md");

    /** The default seed, not a -Danomalykit.seed override: the page must not change with a run's seed. */
    private static final CaseLibrary LIBRARY = CaseLibrary.load(CaseLibrary.DEFAULT_SEED);

    @Test
    void theCataloguePageIsUpToDate() throws IOException {
        String generated = RuleCatalogue.render(LIBRARY);
        if (Boolean.getBoolean("anomalykit.updateDocs")) {
            Files.writeString(PAGE, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.exists(PAGE)).as("docs/rules.md exists").isTrue();
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8))
                .as("docs/rules.md is stale: regenerate it with -Danomalykit.updateDocs=true")
                .isEqualTo(generated);
    }

    @Test
    void everyWrittenRuleIsListedWithItsLevelSourceAndLedgerEntry() {
        String page = RuleCatalogue.render(LIBRARY);
        for (Case c : LIBRARY.cases()) {
            if (c.kind().equals("generated")) {
                continue;
            }
            assertThat(c.source()).as("the source of " + c.id()).isNotBlank();
            String row = "| `" + c.id() + "` | " + c.level() + " | ";
            assertThat(page).as("the row of " + c.id()).contains(row);
            if (c.ledger() != null) {
                assertThat(page.substring(page.indexOf(row)).lines().findFirst().orElseThrow())
                        .contains("[" + c.ledger() + "](discrepancies.md)");
            }
        }
        assertThat(page).contains("## generated (").doesNotContain("| `generated.");
    }
}
