package io.anomalykit.conformance.junit;

import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.util.stream.Stream;

/**
 * The whole kit as JUnit 5 tests. Extend it, return your {@link Target}, and every case runs as its own test named
 * {@code [rule-id] level: title}:
 *
 * <pre>{@code
 * class MyServiceConformanceTest extends ConformanceSuite {
 *     @Override
 *     protected Target target() {
 *         return Target.at("https://127.0.0.1:9200").caCertificate(Path.of("http_ca.crt"))
 *                 .superuserApiKey(System.getenv("ES_API_KEY")).build();
 *     }
 * }
 * }</pre>
 *
 * Without that override the target is the one {@link #config()} describes ({@code anomalykit-kit.yaml}, system
 * properties {@code anomalykit.url} and the rest). The cases run are those the configuration selects. A failed gating
 * case (required, or any when strict) fails its test; any other failure is reported as aborted, with its message.
 * Skipped cases are aborted with the reason. When the target cannot be used at all (unreachable, TLS handshake or
 * authentication refused) one test, {@code [target] reachable}, errors with the cause and no case runs. After the last
 * test, what the run created on the target is deleted (see {@link KitConfig#scope()}) and the reports are written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceSuite {

    private RunSession session;

    /** The run's configuration; by default read by {@link KitConfig#fromSystemProperties()}. Called once per run. */
    protected KitConfig config() {
        return KitConfig.fromSystemProperties();
    }

    /**
     * The implementation under test; by default the one {@link #config()} describes. Called once per run, so a target
     * that owns a resource can create it here.
     */
    protected Target target() {
        return config().target().build();
    }

    @TestFactory
    Stream<DynamicTest> conformance() {
        KitConfig config = config();
        session = new RunSession(target(), config, CaseLibrary.load(config.seed()));
        if (session.problem() != null) {
            return Stream.of(DynamicTest.dynamicTest("[target] reachable", () -> {
                throw new IllegalStateException("no conformance case ran: " + session.problem());
            }));
        }
        return session.selected().stream().map(c -> DynamicTest.dynamicTest(c.displayName(), () -> {
            Outcome outcome = session.run(c);
            switch (outcome.result()) {
                case PASSED -> { }
                case SKIPPED -> throw new TestAbortedException(outcome.reason());
                case FAILED -> {
                    if (session.gates(c)) {
                        throw new AssertionFailedError(outcome.message());
                    }
                    throw new TestAbortedException("not gating (" + c.level() + "): " + outcome.message());
                }
            }
        }));
    }

    @AfterAll
    void deleteWhatTheRunCreatedAndWriteReports() {
        if (session != null) {
            session.finish();
        }
    }
}
