package io.anomalykit.conformance.report;

import io.anomalykit.conformance.cases.Contract;
import io.anomalykit.conformance.cases.Level;
import io.anomalykit.conformance.check.Difference;
import io.anomalykit.conformance.run.Outcome;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static io.anomalykit.conformance.report.Reports.escape;

/** One self-contained HTML page: no network, opens from disk. */
final class HtmlReport {

    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;margin:2em;color:#222}
            h1{font-size:1.4em} table{border-collapse:collapse;margin:.5em 0 1.5em}
            td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
            .PASSED{color:#176f2c}.FAILED{color:#b00020;font-weight:bold}.SKIPPED{color:#8a6d00}
            .case{border:1px solid #ddd;border-radius:6px;margin:.6em 0;padding:.6em}
            .diff td{font-family:monospace;white-space:pre-wrap;max-width:40em}
            .diff .expected{background:#e9f7ec}.diff .actual{background:#fdecee}
            pre{background:#f5f5f5;padding:.6em;overflow-x:auto;white-space:pre-wrap}
            #filters label{margin-right:1em}
            .sides{display:flex;gap:1em}.sides>div{flex:1;min-width:0}""";

    private static final String SCRIPT = """
            function applyFilters(){
              var shown={};
              document.querySelectorAll('#filters input[type=checkbox]').forEach(function(b){shown[b.value]=b.checked;});
              var text=document.getElementById('text').value.toLowerCase();
              var count=0;
              document.querySelectorAll('.case').forEach(function(c){
                var visible=shown[c.dataset.result]&&shown[c.dataset.level]&&c.dataset.id.toLowerCase().indexOf(text)>=0;
                c.style.display=visible?'':'none'; if(visible){count++;}
              });
              document.getElementById('shown').textContent=count;
            }""";

    private HtmlReport() {
    }

    static String render(RunRecord run, Coverage coverage) {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.append("<title>anomalykit conformance report</title><style>").append(STYLE).append("</style></head><body>\n");
        html.append("<h1>anomalykit conformance: ").append(escape(run.target())).append("</h1>\n");
        html.append("<p id=\"gate\">Gate: <b>").append(run.gate())
                .append("</b> &middot; kit ").append(escape(RunRecord.kitVersion())).append(" &middot; case set <code>")
                .append(run.caseSetSha256(), 0, 12).append("</code> &middot; seed ").append(run.seed()).append(" &middot; ")
                .append(run.finished()).append("</p>\n");
        if (!run.leftBehind().isEmpty()) {
            html.append("<p id=\"left-behind\"><b>Could not delete from the target what the run created:</b> ")
                    .append(escape(String.join("; ", run.leftBehind()))).append("</p>\n");
        }
        if (run.error() != null) {
            html.append("<p id=\"error\"><b>No case ran:</b> ").append(escape(run.error())).append("</p>\n");
        }

        if (run.differential() != null) {
            differential(html, run.differential());
        }

        html.append("<h2>By level</h2><table id=\"levels\"><tr><th>level</th><th>passed</th><th>failed</th><th>skipped</th></tr>");
        for (Map.Entry<Level, int[]> level : run.countsByLevel().entrySet()) {
            row(html, level.getKey().toString(), level.getValue());
        }
        html.append("</table>\n<h2>By operation</h2><table id=\"operations\"><tr><th>operation</th><th>passed</th>"
                + "<th>failed</th><th>skipped</th></tr>");
        Map<String, int[]> byOperation = new TreeMap<>();
        for (Outcome o : run.outcomes()) {
            String operation = Coverage.operationOf(Contract.get(), o.testCase());
            byOperation.computeIfAbsent(operation == null ? "(no operation of the contract)" : operation, k -> new int[3])
                    [o.result().ordinal()]++;
        }
        byOperation.forEach((operation, counts) -> row(html, operation, counts));
        html.append("</table>\n");

        html.append("<h2>Cases (<span id=\"shown\">").append(run.outcomes().size()).append("</span> shown)</h2>\n");
        html.append("<div id=\"filters\">");
        for (Outcome.Result result : Outcome.Result.values()) {
            checkbox(html, result.name(), result.name().toLowerCase(Locale.ROOT));
        }
        for (Level level : Level.values()) {
            checkbox(html, level.toString(), level.toString());
        }
        html.append("<input id=\"text\" placeholder=\"rule id contains\" oninput=\"applyFilters()\"></div>\n");

        // Failures first: they are what a reader came for.
        run.outcomes().stream().sorted((a, b) -> Integer.compare(order(a), order(b))).forEach(o -> caseBlock(html, o, run.differential()));

        html.append("<h2>Coverage</h2><p>Parts of the contract no case exercises:</p><ul id=\"unexercised\">");
        coverage.unexercised().forEach(u -> html.append("<li>").append(escape(u)).append("</li>"));
        html.append("</ul>\n<script>").append(SCRIPT).append("</script></body></html>\n");
        return html.toString();
    }

    private static int order(Outcome o) {
        return switch (o.result()) {
            case FAILED -> 0;
            case SKIPPED -> 1;
            case PASSED -> 2;
        };
    }

    /** The differences from the reference, one line per cause, accepted ones with their reason. */
    private static void differential(StringBuilder html, Differential differential) {
        html.append("<h2>Differences from ").append(escape(differential.reference())).append(", by cause</h2>\n");
        for (String warning : differential.warnings()) {
            html.append("<p class=\"warning\"><b>Warning:</b> ").append(escape(warning)).append("</p>\n");
        }
        html.append("<table id=\"findings\"><tr><th>cause</th><th>cases</th><th>verdict</th></tr>");
        for (Differential.Finding finding : differential.findings()) {
            html.append("<tr><td>").append(escape(finding.cause())).append("</td><td>").append(finding.caseIds().size())
                    .append(": ").append(escape(String.join(", ", finding.caseIds()))).append("</td><td class=\"")
                    .append(finding.accepted() == null ? "FAILED\">failed" : "PASSED\">accepted: " + escape(finding.accepted()))
                    .append("</td></tr>");
        }
        html.append("</table>\n");
    }

    private static void caseBlock(StringBuilder html, Outcome o, Differential differential) {
        html.append("<div class=\"case\" data-result=\"").append(o.result()).append("\" data-level=\"")
                .append(o.testCase().level()).append("\" data-id=\"").append(escape(o.testCase().id())).append("\">")
                .append("<span class=\"").append(o.result()).append("\">").append(o.result()).append("</span> ")
                .append(escape(o.testCase().displayName()));
        if (o.result() != Outcome.Result.PASSED) {
            html.append("<div>rule source: ").append(escape(o.testCase().source())).append("</div>");
            html.append("<div>request: <code>").append(escape(o.testCase().request().method())).append(' ')
                    .append(escape(o.testCase().request().path())).append("</code></div>");
            if (o.reason() != null) {
                html.append("<div>").append(escape(o.reason())).append("</div>");
            }
            if (!o.differences().isEmpty()) {
                html.append("<table class=\"diff\"><tr><th>JSON path</th><th>Elasticsearch</th><th>this target</th></tr>");
                for (Difference d : o.differences()) {
                    html.append("<tr><td>").append(escape(d.path())).append("</td><td class=\"expected\">")
                            .append(escape(d.expected())).append("</td><td class=\"actual\">").append(escape(d.actual()))
                            .append("</td></tr>");
                }
                html.append("</table>");
            }
            Differential.SideBySide sides = differential == null ? null : differential.answers().get(o.testCase().id());
            if (sides != null) {
                html.append("<div class=\"sides\"><div><b>the reference</b><pre class=\"curl\">")
                        .append(escape(sides.referenceCurl())).append("</pre><pre class=\"answer\">")
                        .append(escape(sides.referenceAnswer())).append("</pre></div><div><b>this target</b><pre class=\"curl\">")
                        .append(escape(sides.targetCurl())).append("</pre><pre class=\"answer\">")
                        .append(escape(sides.targetAnswer())).append("</pre></div></div>");
            } else if (o.reproducer() != null) {
                html.append("<div>reproduce with:</div><pre class=\"curl\">").append(escape(o.reproducer())).append("</pre>");
            }
        }
        html.append("</div>\n");
    }

    private static void row(StringBuilder html, String name, int[] counts) {
        html.append("<tr><td>").append(escape(name)).append("</td><td>").append(counts[0]).append("</td><td>")
                .append(counts[1]).append("</td><td>").append(counts[2]).append("</td></tr>");
    }

    private static void checkbox(StringBuilder html, String value, String label) {
        html.append("<label><input type=\"checkbox\" value=\"").append(value)
                .append("\" checked onchange=\"applyFilters()\">").append(escape(label)).append("</label>");
    }
}
