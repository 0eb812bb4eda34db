package io.anomalykit.conformance.report;

import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.cases.Level;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The rule catalogue page ({@code docs/rules.md}), generated from the case library: every rule with its level, kind,
 * title, the Elasticsearch source it rests on and the discrepancy-ledger entry it asserts. Generated queries are
 * summarised, not listed: they change with the seed.
 */
public final class RuleCatalogue {

    private static final String GENERATED_KIND = "generated";

    private RuleCatalogue() {
    }

    /** The page's Markdown for the cases of {@code library}. */
    public static String render(CaseLibrary library) {
        List<Case> cases = library.cases();
        StringBuilder md = new StringBuilder();
        md.append("# Rule catalogue\n\n");
        md.append("<!-- Generated from the conformance cases; do not edit. A test in conformance-tests fails when this\n");
        md.append("     page is stale; regenerate it with\n");
        md.append("     mvn -pl conformance-tests test -Dtest=RuleCatalogueTest -Danomalykit.updateDocs=true -->\n\n");
        md.append("Every rule the conformance kit checks. A rule's level decides whether it gates a run ");
        md.append("(see [conformance.md](conformance.md)); its source is the Elasticsearch code or documented example it ");
        md.append("stands on; a ledger entry links to [discrepancies.md](discrepancies.md), where the documents and ");
        md.append("Elasticsearch disagree.\n\n");
        md.append(summary(cases));
        Map<String, List<Case>> byKind = cases.stream().filter(c -> !GENERATED_KIND.equals(c.kind()))
                .collect(Collectors.groupingBy(Case::kind, TreeMap::new, Collectors.toList()));
        byKind.forEach((kind, rules) -> {
            md.append("\n## ").append(kind).append(" (").append(rules.size()).append(")\n\n");
            md.append("| id | level | title | source | ledger |\n|---|---|---|---|---|\n");
            rules.forEach(c -> md.append("| `").append(c.id()).append("` | ").append(c.level()).append(" | ")
                    .append(cell(c.title())).append(" | ").append(cell(c.source())).append(" | ")
                    .append(c.ledger() == null ? "" : "[" + c.ledger() + "](discrepancies.md)").append(" |\n"));
        });
        List<Case> generated = cases.stream().filter(c -> GENERATED_KIND.equals(c.kind())).toList();
        if (!generated.isEmpty()) {
            md.append("\n## generated (").append(generated.size()).append(")\n\n");
            md.append("Queries drawn from a seed over a generated dataset, each judged against an oracle that sorts and ");
            md.append("filters the data as Elasticsearch does; all are ").append(generated.get(0).level())
                    .append(". The seed is a setting, so their ids and titles change with it, e.g. `")
                    .append(generated.get(0).id()).append("`: ").append(cell(generated.get(0).title())).append(".\n");
        }
        return md.toString();
    }

    private static String summary(List<Case> cases) {
        Map<Level, Long> byLevel = cases.stream()
                .collect(Collectors.groupingBy(Case::level, TreeMap::new, Collectors.counting()));
        StringBuilder line = new StringBuilder().append(cases.size()).append(" rules:");
        byLevel.forEach((level, count) -> line.append(' ').append(count).append(' ').append(level).append(','));
        line.setLength(line.length() - 1);
        return line.append(".\n").toString();
    }

    /** Text that stays inside one Markdown table cell. */
    private static String cell(String text) {
        return text.replaceAll("\\s+", " ").trim().replace("|", "\\|");
    }
}
