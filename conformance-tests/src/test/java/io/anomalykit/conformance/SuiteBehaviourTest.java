package io.anomalykit.conformance;

import io.anomalykit.conformance.BreakingProxy.Breakage;
import io.anomalykit.conformance.BreakingProxy.Exchange;
import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.config.Setting;
import io.anomalykit.conformance.junit.Conformance;
import io.anomalykit.conformance.junit.ConformanceSuite;
import io.anomalykit.conformance.report.Reports;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.CaseRunner;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.run.RunScope;
import io.anomalykit.conformance.service.Capability;
import io.anomalykit.conformance.service.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/** What an implementer sees: skips with reasons, readable failures, and levels that gate or not. */
class SuiteBehaviourTest {

    private static final CaseLibrary LIBRARY = CaseLibrary.load();
    /** Sorting on an unknown field answers 200 instead of 400: only the recommended rule notices. */
    static final Breakage LENIENT_SORT = new Breakage() {
        @Override
        public void answer(Exchange e) {
            if ("no_such_field".equals(e.query.get("sort"))) {
                e.status = 200;
                e.answer = "{\"count\":0,\"records\":[]}";
            }
        }
    };
    private static BreakingProxy proxy;

    @BeforeAll
    static void start() throws Exception {
        proxy = new BreakingProxy(ReferenceServer.url(), LENIENT_SORT);
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    static Case byId(String id) {
        return LIBRARY.cases().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void casesNeedingAMissingCapabilityAreSkippedWithTheReason() {
        Target withoutLegacy = ReferenceServer.target(ReferenceServer.url()).without(Capability.LEGACY_PREFIX).build();
        Outcome outcome = new CaseRunner(withoutLegacy, LIBRARY, RunScope.fresh()).run(byId("records.legacy-prefix"));
        assertThat(outcome.result()).isEqualTo(Outcome.Result.SKIPPED);
        assertThat(outcome.reason()).contains("LEGACY_PREFIX");
    }

    @Test
    void anOptedOutCaseIsSkippedWithTheImplementersReason() {
        Target declining = ReferenceServer.target(ReferenceServer.url()).optOut("records.legacy-prefix", "we never served _xpack").build();
        Outcome outcome = new CaseRunner(declining, LIBRARY, RunScope.fresh()).run(byId("records.legacy-prefix"));
        assertThat(outcome.result()).isEqualTo(Outcome.Result.SKIPPED);
        assertThat(outcome.reason()).isEqualTo("opted out by the implementer: we never served _xpack");
        assertThat(Reports.junitXml(new RunRecord("t", 1, Instant.EPOCH, List.of(outcome.testCase()), List.of(outcome))))
                .contains("<skipped message=\"opted out by the implementer: we never served _xpack\"/>");
    }

    @Test
    void aFailureNamesTheRequestThePathTheValuesAndAReproducerWithoutTheSecret() {
        Target target = Target.at(proxy.url()).superuser(ReferenceServer.USER, ReferenceServer.PASSWORD).build();
        CaseRunner runner = new CaseRunner(target, LIBRARY, new RunScope("anomalykit-suite-", true));
        Outcome outcome = runner.run(byId("negative.unsortable-field"));
        assertThat(runner.deleteCreated()).isEmpty();
        assertThat(outcome.result()).isEqualTo(Outcome.Result.FAILED);
        // The request as sent: the job id carries the run's prefix.
        assertThat(outcome.message())
                .contains("[negative.unsortable-field] recommended:")
                .contains("request: GET /_ml/anomaly_detectors/anomalykit-suite-it-ops-kpi/results/records sort=no_such_field")
                .contains("at (status): expected 400 but was 200")
                .contains("at /error/type: expected search_phase_execution_exception but was nothing")
                .contains("curl -s -X GET \"$ANOMALYKIT_URL/_ml/anomaly_detectors/anomalykit-suite-it-ops-kpi/results/records?sort=no_such_field\"")
                .contains("$ANOMALYKIT_PASSWORD")
                .doesNotContain(ReferenceServer.PASSWORD);
    }

    /** The suite as an implementer writes it, reading only the one recommended case. */
    static class LenientSortSuite extends ConformanceSuite {
        @Override
        protected Target target() {
            return ReferenceServer.target(proxy.url()).build();
        }

        @Override
        protected KitConfig config() {
            return KitConfig.builder().set(Setting.INCLUDE, "^negative\\.unsortable-field$").build(Map.of());
        }
    }

    static class StrictLenientSortSuite extends LenientSortSuite {
        @Override
        protected KitConfig config() {
            return KitConfig.builder().set(Setting.INCLUDE, "^negative\\.unsortable-field$").set(Setting.STRICT, "true")
                    .build(Map.of());
        }
    }

    /** Counts how often the suite asks for its target. */
    static class CountingSuite extends LenientSortSuite {
        static final AtomicInteger TARGETS = new AtomicInteger();

        @Override
        protected Target target() {
            TARGETS.incrementAndGet();
            return super.target();
        }

        @Override
        protected KitConfig config() {
            return KitConfig.builder().set(Setting.INCLUDE, "^negative\\.unsortable-field$")
                    .set(Setting.REPORT, countingSuiteReports.toString()).build(Map.of());
        }
    }

    /** Where {@link CountingSuite} writes its reports, set by the test that runs it. */
    static Path countingSuiteReports;

    @Test
    void theSuiteBuildsItsTargetOncePerRunAndWritesItsReports(@TempDir Path reports) {
        countingSuiteReports = reports;
        CountingSuite.TARGETS.set(0);
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(CountingSuite.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(1).aborted(1));
        assertThat(CountingSuite.TARGETS).hasValue(1);
        assertThat(reports.resolve("junit.xml")).content().contains("name=\"negative.unsortable-field\"");
    }

    static class UnreachableSuite extends ConformanceSuite {
        @Override
        protected Target target() {
            return Target.at("http://127.0.0.1:1").build();
        }
    }

    @Test
    void anUnreachableTargetIsOneErroredTestAndNoCase() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(UnreachableSuite.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(1).failed(1))
                .failed().assertThatEvents().haveExactly(1, finishedWithFailure(instanceOf(IllegalStateException.class),
                        message(m -> m.contains("cannot reach http://127.0.0.1:1"))));
    }

    @Test
    void aFailedRecommendedCaseDoesNotFailTheBuildUnlessStrict() {
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(LenientSortSuite.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(1).aborted(1).failed(0));
        EngineTestKit.engine("junit-jupiter").selectors(selectClass(StrictLenientSortSuite.class)).execute()
                .testEvents().assertStatistics(stats -> stats.started(1).failed(1));
    }

    /** Every records answer is a teapot: every records case fails. */
    private static final Breakage RECORDS_BROKEN = new Breakage() {
        @Override
        public void answer(Exchange e) {
            if (e.path.contains("/results/records")) {
                e.status = 418;
            }
        }
    };

    @Test
    void casesRunAtOnceYetTheRecordTheProgressAndMaxFailuresAreAsOneAtATime() throws Exception {
        try (BreakingProxy broken = new BreakingProxy(ReferenceServer.url(), RECORDS_BROKEN)) {
            List<String> sequential = outcomes(broken.url(), "1", new ArrayList<>());
            List<Integer> progress = new ArrayList<>();
            List<String> parallel = outcomes(broken.url(), "8", progress);
            assertThat(parallel).isEqualTo(sequential);
            assertThat(progress).isEqualTo(IntStream.rangeClosed(1, sequential.size()).boxed().toList());
            // Three gating failures stop the run; everything after them is "not run", wherever the threads were.
            assertThat(sequential).filteredOn(o -> o.endsWith("FAILED")).hasSize(3);
            assertThat(sequential.get(sequential.size() - 1)).endsWith("SKIPPED");
        }
    }

    /** Each case's id and result, in the record's order, from a strict run stopping after 3 failures. */
    private static List<String> outcomes(String url, String parallelism, List<Integer> progress) {
        KitConfig config = KitConfig.builder().set(Setting.INCLUDE, "^(negative|records|influencers)\\.")
                .set(Setting.STRICT, "true").set(Setting.MAX_FAILURES, "3").set(Setting.PARALLELISM, parallelism)
                .build(Map.of());
        RunRecord run = Conformance.run(ReferenceServer.target(url).build(), config, LIBRARY,
                (outcome, index, total) -> progress.add(index));
        assertThat(run.outcomes()).extracting(o -> o.testCase().id())
                .isEqualTo(LIBRARY.cases().stream().filter(config::selects).map(Case::id).toList());
        return run.outcomes().stream().map(o -> o.testCase().id() + " " + o.result()).toList();
    }
}
