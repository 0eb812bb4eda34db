package io.anomalykit.conformance.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.conformance.cases.Level;
import io.anomalykit.conformance.check.Difference;
import io.anomalykit.conformance.run.Outcome;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes one run's reports into a directory: {@code junit.xml} (one test case per rule id), {@code summary.json} for
 * machines, {@code results.md} for an implementer to publish, and {@code report.html}, a self-contained page.
 */
public final class Reports {

    /** The JUnit XML report: one test case per rule id. */
    public static final String JUNIT_XML = "junit.xml";
    /** The summary for machines. */
    public static final String SUMMARY_JSON = "summary.json";
    /** The short record for publishing. */
    public static final String RESULTS_MD = "results.md";
    /** The self-contained page for people. */
    public static final String REPORT_HTML = "report.html";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Reports() {
    }

    /** Writes all four reports of {@code run} into {@code directory}, creating it if needed. */
    public static void write(Path directory, RunRecord run) throws IOException {
        Files.createDirectories(directory);
        Coverage coverage = Coverage.of(run.cases());
        Files.writeString(directory.resolve(JUNIT_XML), junitXml(run), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(SUMMARY_JSON),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary(run, coverage)), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(RESULTS_MD), resultsRecord(run), StandardCharsets.UTF_8);
        Files.writeString(directory.resolve(REPORT_HTML), HtmlReport.render(run, coverage), StandardCharsets.UTF_8);
    }

    /** The JUnit XML report of {@code run}. */
    public static String junitXml(RunRecord run) {
        List<Outcome> outcomes = run.outcomes();
        long failures = outcomes.stream().filter(o -> o.result() == Outcome.Result.FAILED).count();
        long skipped = outcomes.stream().filter(o -> o.result() == Outcome.Result.SKIPPED).count();
        double seconds = outcomes.stream().mapToLong(Outcome::millis).sum() / 1000.0;
        int errors = run.error() == null ? 0 : 1;
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuite name=\"anomalykit-conformance\" tests=\"").append(outcomes.size() + errors)
                .append("\" failures=\"").append(failures).append("\" errors=\"").append(errors).append("\" skipped=\"").append(skipped)
                .append("\" time=\"").append(seconds).append("\" timestamp=\"").append(run.finished()).append("\">\n");
        xml.append("  <properties>\n");
        property(xml, "target", run.target());
        property(xml, "seed", String.valueOf(run.seed()));
        property(xml, "kit.version", RunRecord.kitVersion());
        property(xml, "case-set.sha256", run.caseSetSha256());
        if (run.differential() != null) {
            property(xml, "reference", run.differential().reference());
        }
        xml.append("  </properties>\n");
        if (run.error() != null) {
            // The run never reached its cases: one error (not a failure of any rule) says why.
            xml.append("  <testcase classname=\"anomalykit.target\" name=\"reachable\" time=\"0.0\">\n")
                    .append("    <error type=\"target-unusable\" message=\"").append(escape(run.error())).append("\">")
                    .append(escape(run.error())).append("</error>\n  </testcase>\n");
        }
        for (Outcome o : outcomes) {
            xml.append("  <testcase classname=\"anomalykit.").append(escape(o.testCase().kind())).append('.')
                    .append(escape(o.testCase().level().toString())).append("\" name=\"").append(escape(o.testCase().id()))
                    .append("\" time=\"").append(o.millis() / 1000.0).append('"');
            switch (o.result()) {
                case PASSED -> xml.append("/>\n");
                case SKIPPED -> xml.append(">\n    <skipped message=\"").append(escape(o.reason())).append("\"/>\n  </testcase>\n");
                case FAILED -> xml.append(">\n    <failure type=\"").append(o.testCase().level()).append("\" message=\"")
                        .append(escape(firstLine(o))).append("\">").append(escape(o.message())).append("</failure>\n")
                        .append("  </testcase>\n");
            }
        }
        return xml.append("</testsuite>\n").toString();
    }

    static ObjectNode summary(RunRecord run, Coverage coverage) {
        ObjectNode summary = JSON.createObjectNode();
        summary.put("kit_version", RunRecord.kitVersion());
        summary.put("case_set_sha256", run.caseSetSha256());
        summary.put("target", run.target());
        summary.put("seed", run.seed());
        summary.put("finished", run.finished().toString());
        ObjectNode levels = summary.putObject("levels");
        run.countsByLevel().forEach((level, counts) -> levels.putObject(level.toString()).put("passed", counts[0])
                .put("failed", counts[1]).put("skipped", counts[2]));
        summary.put("gate", run.gate());
        if (run.error() != null) {
            summary.put("error", run.error());
        }
        summary.set("left_behind", JSON.valueToTree(run.leftBehind()));
        ArrayNode cases = summary.putArray("cases");
        for (Outcome o : run.outcomes()) {
            ObjectNode item = cases.addObject().put("id", o.testCase().id()).put("level", o.testCase().level().toString())
                    .put("kind", o.testCase().kind()).put("result", o.result().name().toLowerCase(java.util.Locale.ROOT));
            if (o.reason() != null) {
                item.put("reason", o.reason());
            }
            if (!o.differences().isEmpty()) {
                ArrayNode differences = item.putArray("differences");
                for (Difference d : o.differences()) {
                    differences.addObject().put("path", d.path()).put("expected", d.expected()).put("actual", d.actual());
                }
            }
        }
        if (run.differential() != null) {
            Differential differential = run.differential();
            ObjectNode node = summary.putObject("differential").put("reference", differential.reference());
            node.set("warnings", JSON.valueToTree(differential.warnings()));
            ArrayNode findings = node.putArray("findings");
            for (Differential.Finding finding : differential.findings()) {
                ObjectNode item = findings.addObject().put("cause", finding.cause())
                        .put("verdict", finding.accepted() == null ? "failed" : "accepted");
                if (finding.accepted() != null) {
                    item.put("reason", finding.accepted());
                }
                item.set("cases", JSON.valueToTree(finding.caseIds()));
            }
            node.set("answers", JSON.valueToTree(new java.util.TreeMap<>(differential.answers())));
        }
        ObjectNode coverageNode = summary.putObject("coverage");
        coverageNode.set("operations", JSON.valueToTree(coverage.operations()));
        coverageNode.set("parameters", JSON.valueToTree(coverage.parameters()));
        coverageNode.set("unexercised", JSON.valueToTree(coverage.unexercised()));
        return summary;
    }

    /** The short record an implementer can publish: kit, case set, target, counts per level. */
    static String resultsRecord(RunRecord run) {
        StringBuilder md = new StringBuilder("# anomalykit conformance results\n\n");
        md.append("| | |\n|---|---|\n");
        md.append("| kit version | ").append(RunRecord.kitVersion()).append(" |\n");
        md.append("| case set (SHA-256) | `").append(run.caseSetSha256()).append("` |\n");
        md.append("| generated cases seed | ").append(run.seed()).append(" |\n");
        md.append("| target | ").append(run.target()).append(" |\n");
        md.append("| finished | ").append(run.finished()).append(" |\n");
        md.append("| gate (all ").append(run.strict() ? "" : "required ").append("cases pass) | ").append(run.gate())
                .append(run.error() == null ? "" : ": " + run.error()).append(" |\n");
        md.append("| left on the target | ").append(run.leftBehind().isEmpty() ? "nothing"
                : String.join("; ", run.leftBehind())).append(" |\n\n");
        md.append("| level | passed | failed | skipped |\n|---|---|---|---|\n");
        for (Map.Entry<Level, int[]> level : run.countsByLevel().entrySet()) {
            int[] c = level.getValue();
            md.append("| ").append(level.getKey()).append(" | ").append(c[0]).append(" | ").append(c[1]).append(" | ")
                    .append(c[2]).append(" |\n");
        }
        List<Outcome> declined = run.outcomes().stream().filter(o -> o.result() == Outcome.Result.SKIPPED).toList();
        if (!declined.isEmpty()) {
            md.append("\nSkipped cases:\n\n");
            declined.forEach(o -> md.append("- `").append(o.testCase().id()).append("`: ").append(o.reason()).append('\n'));
        }
        return md.toString();
    }

    private static void property(StringBuilder xml, String name, String value) {
        xml.append("    <property name=\"").append(escape(name)).append("\" value=\"").append(escape(value)).append("\"/>\n");
    }

    private static String firstLine(Outcome o) {
        if (!o.differences().isEmpty()) {
            return o.differences().get(0).toString();
        }
        return o.reason() == null ? "failed" : o.reason();
    }

    /** Escapes text for XML and HTML, dropping characters neither may hold. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t' || c == '\r') {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
