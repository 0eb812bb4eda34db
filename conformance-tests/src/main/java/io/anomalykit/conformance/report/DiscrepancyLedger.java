package io.anomalykit.conformance.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.cases.Contract;

import java.util.List;

/**
 * The discrepancy ledger page ({@code docs/discrepancies.md}), generated from the contract's ledger entries and the
 * cases that assert them (and, last, the Elasticsearch YAML REST tests that still fail): for each place the source documents and Elasticsearch disagree, what the documents say, what
 * Elasticsearch does, what the kit asserts (by rule id) and the source.
 */
public final class DiscrepancyLedger {

    private DiscrepancyLedger() {
    }

    /** The page's Markdown for the cases of {@code library}. */
    public static String render(CaseLibrary library) {
        StringBuilder md = new StringBuilder();
        md.append("# Discrepancy ledger\n\n");
        md.append("<!-- Generated from spec/openapi.yaml (x-discrepancies), the conformance cases that name a ledger\n");
        md.append("     entry and the kit's upstream-yaml.yaml (the YAML REST tests that still fail); do not edit. A test in\n");
        md.append("     conformance-tests fails when this page is stale; regenerate it with\n");
        md.append("     mvn -pl conformance-tests test -Dtest=DiscrepancyLedgerTest -Danomalykit.updateDocs=true -->\n\n");
        md.append("Where the source documents (\"Get Records API\", \"Get Influencers\") and Elasticsearch disagree, anomalykit ");
        md.append("follows Elasticsearch. Each entry says what the documents say, what Elasticsearch does, what the ");
        md.append("conformance kit asserts, and where the behaviour was read. Entries that name anomalykit's server are ");
        md.append("places where the reference server still differs from Elasticsearch, with what it does instead.\n");
        for (JsonNode entry : Contract.get().spec().path("x-discrepancies")) {
            String id = entry.path("id").asText();
            md.append("\n## ").append(entry.path("subject").asText()).append(" (`").append(id).append("`)\n\n");
            md.append("- **The documents:** ").append(oneLine(entry.path("documented"))).append('\n');
            md.append("- **Elasticsearch:** ").append(oneLine(entry.path("elasticsearch"))).append('\n');
            boolean serverDiffers = entry.hasNonNull("server");
            if (serverDiffers) {
                md.append("- **anomalykit's server:** ").append(oneLine(entry.path("server"))).append('\n');
            }
            md.append("- **The contract:** ").append(oneLine(entry.path("contract"))).append('\n');
            List<Case> asserting = library.cases().stream().filter(c -> id.equals(c.ledger())).toList();
            if (asserting.isEmpty() && serverDiffers) {
                md.append("- **The kit asserts:** nothing: a case would fail against the reference server until it follows ")
                        .append("Elasticsearch here.\n");
            } else if (asserting.isEmpty()) {
                md.append("- **The kit asserts:** nothing yet: no case names this entry.\n");
            } else {
                md.append("- **The kit asserts:**\n");
                asserting.forEach(c -> md.append("  - `").append(c.id()).append("` (").append(c.level()).append("): ")
                        .append(c.title()).append('\n'));
            }
            md.append("- **Source:** ").append(oneLine(entry.path("source"))).append('\n');
        }
        md.append(UpstreamYamlFailures.load().render());
        return md.toString();
    }

    private static String oneLine(JsonNode text) {
        return text.asText().replaceAll("\\s+", " ").trim();
    }
}
