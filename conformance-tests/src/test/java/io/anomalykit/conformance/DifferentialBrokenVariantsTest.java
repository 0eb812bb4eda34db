package io.anomalykit.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.config.Setting;
import io.anomalykit.conformance.junit.Conformance;
import io.anomalykit.conformance.junit.ConformanceSuite;
import io.anomalykit.conformance.report.Differential;
import io.anomalykit.conformance.report.Reports;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The differential judge against deliberately broken variants of the reference server (the self-test proxies): each
 * fault is reported once, as one finding with its cause, however many requests show it; an accepted difference is
 * reported as accepted; and a recording of the reference replays green against it and red against a broken variant.
 * The run is kept small (the exploration set only) so that it stays quick beside {@link BrokenVariantsTest}.
 */
class DifferentialBrokenVariantsTest {

    private static final int EXPLORED = 60;

    /** Elasticsearch answers a job it does not know with 404 resource_not_found_exception (ExceptionsHelper.missingJobException). */
    private static final BreakingProxy.Breakage UNKNOWN_JOB_AS_BAD_REQUEST = new BreakingProxy.Breakage() {
        @Override
        public void answer(BreakingProxy.Exchange exchange) {
            if (exchange.status == 404) {
                exchange.status = 400;
                exchange.answer = exchange.answer.replace("resource_not_found_exception", "illegal_argument_exception");
            }
        }
    };

    /** Every record of a records page loses its probability (AnomalyRecord's PROBABILITY field, always written). */
    private static final BreakingProxy.Breakage RECORDS_WITHOUT_PROBABILITY = new BreakingProxy.Breakage() {
        @Override
        public void answer(BreakingProxy.Exchange exchange) {
            JsonNode answer = exchange.answerJson();
            if (exchange.path.endsWith("/results/records") && answer != null && answer.path("records").size() > 0) {
                answer.path("records").forEach(record -> ((ObjectNode) record).remove("probability"));
                exchange.answer = answer.toString();
            }
        }
    };

    /** Every answer loses the product header Elasticsearch's clients check (RestController: X-elastic-product). */
    private static final BreakingProxy.Breakage NO_PRODUCT_HEADER = new BreakingProxy.Breakage() {
        @Override
        public void answer(BreakingProxy.Exchange exchange) {
            exchange.headers.remove("X-elastic-product");
        }
    };

    private static final BreakingProxy.Breakage ALL_THREE = new BreakingProxy.Breakage() {
        @Override
        public void answer(BreakingProxy.Exchange exchange) {
            UNKNOWN_JOB_AS_BAD_REQUEST.answer(exchange);
            RECORDS_WITHOUT_PROBABILITY.answer(exchange);
            NO_PRODUCT_HEADER.answer(exchange);
        }
    };

    private static KitConfig.Builder exploration() {
        return KitConfig.builder().set(Setting.INCLUDE, "^explore-").set(Setting.EXPLORATION_SIZE, String.valueOf(EXPLORED));
    }

    @Test
    void eachFaultIsOneFindingWithItsCauseAndAnAcceptedOneIsReportedAsAccepted(@TempDir Path directory)
            throws IOException {
        Path accepted = directory.resolve("accepted.yaml");
        Files.writeString(accepted, """
                - cause: header x-elastic-product missing
                  reason: our gateway strips it and our clients do not check it
                """);
        Path reports = directory.resolve("reports");
        Target reference = ReferenceServer.target(ReferenceServer.url()).build();
        try (BreakingProxy broken = new BreakingProxy(ReferenceServer.urlOfSecond(), ALL_THREE)) {
            KitConfig config = exploration().reference(ReferenceServer.url())
                    .set(Setting.ACCEPT_DIFFERENCES, accepted.toString()).set(Setting.REPORT, reports.toString())
                    .build(Map.of());
            RunRecord run = Conformance.run(ReferenceServer.target(broken.url()).build(), reference, config);

            assertThat(run.error()).isNull();
            List<Differential.Finding> findings = run.differential().findings();
            assertThat(findings).extracting(Differential.Finding::cause).containsExactlyInAnyOrder(
                    "status 404 -> 400",
                    "error.type resource_not_found_exception -> illegal_argument_exception",
                    "missing field /records/[]/probability",
                    "header x-elastic-product missing");
            Differential.Finding missingField = finding(findings, "missing field /records/[]/probability");
            Differential.Finding status = finding(findings, "status 404 -> 400");
            // One bug, many requests: each finding gathers several generated cases.
            assertThat(missingField.caseIds()).hasSizeGreaterThan(1);
            assertThat(status.caseIds()).hasSizeGreaterThan(1);
            assertThat(missingField.accepted()).isNull();
            Differential.Finding header = finding(findings, "header x-elastic-product missing");
            assertThat(header.accepted()).isEqualTo("our gateway strips it and our clients do not check it");
            assertThat(header.caseIds()).hasSize(EXPLORED);
            // A case whose only difference is the accepted one passes; the others fail, every one gating.
            long failed = run.outcomes().stream().filter(o -> o.result() == Outcome.Result.FAILED).count();
            assertThat(failed).isGreaterThan(0).isLessThan(EXPLORED);
            assertThat(run.passed()).isFalse();
            Outcome missing = run.outcomes().stream().filter(o -> o.testCase().id().equals(status.caseIds().get(0)))
                    .findFirst().orElseThrow();
            assertThat(missing.reproducer()).contains("$ANOMALYKIT_REFERENCE_URL", "$ANOMALYKIT_URL",
                    "$ANOMALYKIT_REFERENCE_PASSWORD").doesNotContain(ReferenceServer.PASSWORD);

            // Every report says it: JUnit XML fails the case, the HTML shows both answers, the JSON groups the causes.
            assertThat(Files.readString(reports.resolve(Reports.JUNIT_XML)))
                    .contains("name=\"" + status.caseIds().get(0) + "\"", "<failure", "status 404 -&gt; 400");
            String html = Files.readString(reports.resolve(Reports.REPORT_HTML));
            assertThat(html).contains("id=\"findings\"", "class=\"sides\"", "resource_not_found_exception",
                    "illegal_argument_exception", "accepted: our gateway strips it");
            JsonNode summary = BreakingProxy.JSON.readTree(reports.resolve(Reports.SUMMARY_JSON).toFile());
            assertThat(summary.at("/differential/findings")).hasSize(4);
            assertThat(summary.at("/differential/answers/" + status.caseIds().get(0) + "/referenceAnswer").asText())
                    .startsWith("HTTP 404");
        }
    }

    @Test
    void aRecordingOfTheReferenceReplaysGreenAgainstItAndRedAgainstABrokenVariant(@TempDir Path directory)
            throws IOException {
        Path golden = directory.resolve("golden");
        RunRecord recorded = Conformance.run(null, ReferenceServer.target(ReferenceServer.url()).build(),
                exploration().reference(ReferenceServer.url()).set(Setting.RECORD, golden.toString()).build(Map.of()));
        assertThat(recorded.passed()).isTrue();
        JsonNode manifest = BreakingProxy.JSON.readTree(golden.resolve("manifest.json").toFile());
        assertThat(manifest.path("format_version").asInt()).isEqualTo(1);
        assertThat(manifest.at("/reference/version/number").asText()).startsWith("8.");
        assertThat(manifest.path("kit_version").asText()).isNotEmpty();
        try (var files = Files.list(golden.resolve("cases"))) {
            assertThat(files.count()).isEqualTo(EXPLORED);
        }
        assertThat(golden.resolve("datasets/generated.json")).exists();

        KitConfig replay = exploration().set(Setting.REPLAY, golden.toString()).build(Map.of());
        RunRecord green = Conformance.run(ReferenceServer.target(ReferenceServer.url()).build(), replay);
        assertThat(green.differential().findings()).isEmpty();
        assertThat(green.passed()).isTrue();
        assertThat(green.outcomes()).hasSize(EXPLORED).allMatch(o -> o.result() == Outcome.Result.PASSED);

        try (BreakingProxy broken = new BreakingProxy(ReferenceServer.urlOfSecond(), RECORDS_WITHOUT_PROBABILITY)) {
            RunRecord red = Conformance.run(ReferenceServer.target(broken.url()).build(), replay);
            assertThat(red.passed()).isFalse();
            assertThat(red.differential().findings()).extracting(Differential.Finding::cause)
                    .containsExactly("missing field /records/[]/probability");
        }
    }

    @Test
    void theCliJudgesATargetAgainstAReferenceWithItsOwnCredentialsAndGroupsTheCauses() throws IOException {
        try (BreakingProxy broken = new BreakingProxy(ReferenceServer.urlOfSecond(), RECORDS_WITHOUT_PROBABILITY)) {
            CliTest.Run run = CliTest.run(Map.of("KIT_PASSWORD", ReferenceServer.PASSWORD, "REF_PASSWORD",
                            ReferenceServer.PASSWORD), "--url", broken.url(), "--user", "elastic", "--password-env",
                    "KIT_PASSWORD", "--reference", ReferenceServer.url(), "--reference-user", "elastic",
                    "--reference-password-env", "REF_PASSWORD", "--include", "^explore-", "--exploration-size", "30");
            assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(1);
            assertThat(run.out()).contains("differences from " + ReferenceServer.url() + ", by cause:")
                    .containsPattern("(?m)^  FAILED +missing field /records/\\[]/probability \\(\\d+ case\\(s\\): explore-");
        }
        CliTest.Run wrongReference = CliTest.run(Map.of("KIT_PASSWORD", ReferenceServer.PASSWORD, "WRONG", "nope"),
                "--url", ReferenceServer.urlOfSecond(), "--user", "elastic", "--password-env", "KIT_PASSWORD",
                "--reference", ReferenceServer.url(), "--reference-user", "elastic", "--reference-password-env", "WRONG",
                "--include", "^explore-", "--exploration-size", "1");
        assertThat(wrongReference.exit()).isEqualTo(3);
        assertThat(wrongReference.err()).contains("the reference: authentication failed");
    }

    /** A JUnit suite whose configuration names a reference: its tests are the differential run's cases. */
    static class DifferentialSuite extends ConformanceSuite {
        @Override
        protected Target target() {
            return ReferenceServer.target(ReferenceServer.urlOfSecond()).build();
        }

        @Override
        protected KitConfig config() {
            return exploration().reference(ReferenceServer.url()).set(Setting.REFERENCE_USER, "elastic")
                    .set(Setting.REFERENCE_PASSWORD_ENV, "REF_PASSWORD").set(Setting.EXPLORATION_SIZE, "6")
                    .build(Map.of("REF_PASSWORD", ReferenceServer.PASSWORD));
        }
    }

    @Test
    void aConformanceSuiteConfiguredWithAReferenceRunsTheDifferentialCases() {
        // Six tests, the exploration cases: they exist only in a differential run; two agreeing servers pass them all.
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(DifferentialSuite.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(6).succeeded(6));
    }

    private static Differential.Finding finding(List<Differential.Finding> findings, String cause) {
        return findings.stream().filter(f -> f.cause().equals(cause)).findFirst().orElseThrow();
    }
}
