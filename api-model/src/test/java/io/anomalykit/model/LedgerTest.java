package io.anomalykit.model;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The discrepancy ledger is complete, every reference into it resolves, and the contract page lists it. */
class LedgerTest {

    private static final JsonNode SPEC = Contract.get().spec;

    @Test
    void everyLedgerEntryIsComplete() {
        JsonNode ledger = SPEC.get("x-discrepancies");
        assertThat(ledger.size()).isGreaterThanOrEqualTo(6);
        Set<String> ids = new HashSet<>();
        for (JsonNode entry : ledger) {
            assertThat(ids.add(entry.path("id").asText())).as("unique id %s", entry.path("id")).isTrue();
            for (String field : List.of("id", "subject", "documented", "elasticsearch", "contract", "source")) {
                assertThat(entry.path(field).asText()).as("%s of %s", field, entry.path("id")).isNotBlank();
            }
        }
    }

    @Test
    void everyReferenceNamesALedgerEntry() {
        Set<String> ids = ledgerIds();
        List<String> references = new ArrayList<>();
        collectReferences(SPEC, references);
        assertThat(references).isNotEmpty();
        assertThat(ids).containsAll(references);
    }

    @Test
    void contractPageListsEveryDiscrepancy() throws IOException {
        String page = Files.readString(Path.of("..", "docs", "contract.md"), StandardCharsets.UTF_8);
        for (String id : ledgerIds()) {
            assertThat(page).as("docs/contract.md mentions discrepancy %s", id).contains("`" + id + "`");
        }
    }

    private static Set<String> ledgerIds() {
        Set<String> ids = new HashSet<>();
        SPEC.get("x-discrepancies").forEach(entry -> ids.add(entry.get("id").asText()));
        return ids;
    }

    private static void collectReferences(JsonNode node, List<String> references) {
        if (node.has("x-discrepancy")) {
            references.add(node.get("x-discrepancy").asText());
        }
        node.elements().forEachRemaining(child -> collectReferences(child, references));
    }
}
