package io.anomalykit.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.conformance.BreakingProxy.Breakage;
import io.anomalykit.conformance.BreakingProxy.Exchange;
import io.anomalykit.conformance.cli.Main;
import io.anomalykit.conformance.report.Reports;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The reports of a CLI run against an implementation with one broken rule. */
class ReportsTest {

    /** Count is the page length: breaks records.count.is-total (and the paging rules that also check count). */
    private static final Breakage COUNT_IS_PAGE_LENGTH = new Breakage() {
        @Override
        public void answer(Exchange e) {
            JsonNode answer = e.answerJson();
            if (e.isResults() && e.status == 200 && answer != null && answer.has("records")) {
                e.answer = ((com.fasterxml.jackson.databind.node.ObjectNode) answer)
                        .put("count", answer.get("records").size()).toString();
            }
        }
    };

    @TempDir
    static Path reports;
    private static BreakingProxy proxy;
    private static int exit;
    private static String out;

    @BeforeAll
    static void runTheCliWithReports() throws Exception {
        proxy = new BreakingProxy(ReferenceServer.url(), COUNT_IS_PAGE_LENGTH);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        exit = Main.run(new String[] {"--url", proxy.url(), "--user", ReferenceServer.USER, "--password-env", "KIT_PASSWORD",
                "--include", "^(records|negative)\\.", "--report", reports.toString()}, Map.of("KIT_PASSWORD",
                ReferenceServer.PASSWORD), new PrintStream(bytes, true, StandardCharsets.UTF_8), System.err);
        out = bytes.toString(StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void theCliFailsAndSaysWhereTheReportsAre() {
        assertThat(exit).isEqualTo(1);
        assertThat(out).contains("reports written to " + reports.toAbsolutePath());
        assertThat(out).contains("FAILED [records.count.is-total]");
    }

    @Test
    void junitXmlIsReadByAStandardParserWithTheRightCounts() throws Exception {
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(reports.resolve(Reports.JUNIT_XML).toFile());
        Element suite = xml.getDocumentElement();
        NodeList testcases = suite.getElementsByTagName("testcase");
        NodeList failures = suite.getElementsByTagName("failure");
        int failedInOutput = out.split("\nFAILED \\[", -1).length - 1;
        assertThat(failedInOutput).isPositive();
        assertThat(Integer.parseInt(suite.getAttribute("failures"))).isEqualTo(failures.getLength()).isEqualTo(failedInOutput);
        assertThat(Integer.parseInt(suite.getAttribute("tests"))).isEqualTo(testcases.getLength());
        boolean countRule = false;
        for (int i = 0; i < testcases.getLength(); i++) {
            Element testcase = (Element) testcases.item(i);
            if (testcase.getAttribute("name").equals("records.count.is-total")) {
                Element failure = (Element) testcase.getElementsByTagName("failure").item(0);
                assertThat(failure.getAttribute("message")).isEqualTo("at /count: expected 16 but was 3");
                assertThat(failure.getTextContent()).contains("reproduce with:");
                countRule = true;
            }
        }
        assertThat(countRule).as("records.count.is-total is a test case").isTrue();
    }

    @Test
    void theSummaryAndTheResultsRecordNameTheKitTheCaseSetAndTheGate() throws Exception {
        JsonNode summary = new ObjectMapper().readTree(reports.resolve(Reports.SUMMARY_JSON).toFile());
        assertThat(summary.get("gate").asText()).isEqualTo("failed");
        assertThat(summary.get("case_set_sha256").asText()).matches("[0-9a-f]{64}");
        assertThat(summary.at("/levels/required/failed").asInt()).isPositive();
        assertThat(summary.at("/coverage/operations/mlGetRecords").asInt()).isPositive();
        String results = Files.readString(reports.resolve(Reports.RESULTS_MD));
        assertThat(results).contains("| kit version | 0.1.0-SNAPSHOT |")
                .contains(summary.get("case_set_sha256").asText())
                .contains("| gate (all required cases pass) | failed |");
    }

    /** Opens the report from disk in a real headless Chromium: its script runs and the diff is on the page. */
    @Test
    void aRealBrowserRendersTheReport() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "no Chromium at /usr/bin/chromium (.ci/run installs it)");
        Path profile = Files.createTempDirectory(reports, "chromium-profile");
        Path screenshot = reports.resolve("report.png");
        String page = reports.resolve(Reports.REPORT_HTML).toUri().toString();
        String dom = runChromium(chromium, profile, "--dump-dom", page);
        assertThat(dom).contains("<td>/count</td><td class=\"expected\">16</td><td class=\"actual\">3</td>");
        runChromium(chromium, profile, "--screenshot=" + screenshot, "--window-size=1280,1600", page);
        assertThat(Files.size(screenshot)).as("screenshot bytes").isGreaterThan(10_000);
    }

    private static String runChromium(Path chromium, Path profile, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return stdout;
    }

    @Test
    void theHtmlReportIsSelfContainedAndShowsTheDiff() throws Exception {
        String html = Files.readString(reports.resolve(Reports.REPORT_HTML));
        assertThat(html).doesNotContainPattern("(src|href)=\"https?:");
        assertThat(html).contains("<td>/count</td><td class=\"expected\">16</td><td class=\"actual\">3</td>");
        assertThat(html).contains("class=\"curl\"").contains("FAILED</span> [records.count.is-total]");
        assertThat(html.indexOf("FAILED</span>")).as("failures come first").isLessThan(html.indexOf("PASSED</span>"));
    }
}
