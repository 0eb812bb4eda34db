package io.anomalykit.conformance.junit;

import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.cases.Level;
import io.anomalykit.conformance.run.CaseRunner;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.target.Target;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
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
 *         return Target.at("http://127.0.0.1:9200").superuser("elastic", System.getenv("ES_PASSWORD")).build();
 *     }
 * }
 * }</pre>
 *
 * A failed required case fails its test. A failed recommended or optional case is reported as aborted, with its
 * message, and does not fail the build unless the system property {@code anomalykit.strict} is {@code true} (or
 * {@link #strict()} is overridden). Skipped cases are aborted with the reason.
 */
public abstract class ConformanceSuite {

    /** The implementation under test. */
    protected abstract Target target();

    /** Whether failures of recommended and optional cases fail the build. */
    protected boolean strict() {
        return Boolean.getBoolean("anomalykit.strict");
    }

    /** Only cases whose id contains this text run; empty runs all (system property {@code anomalykit.include}). */
    protected String include() {
        return System.getProperty("anomalykit.include", "");
    }

    @TestFactory
    Stream<DynamicTest> conformance() {
        CaseLibrary library = CaseLibrary.load();
        CaseRunner runner = new CaseRunner(target(), library);
        boolean strict = strict();
        return library.cases().stream()
                .filter(c -> c.id().contains(include()))
                .map(c -> DynamicTest.dynamicTest(c.displayName(), () -> {
                    Outcome outcome = runner.run(c);
                    switch (outcome.result()) {
                        case PASSED -> { }
                        case SKIPPED -> throw new TestAbortedException(outcome.reason());
                        case FAILED -> {
                            if (c.level() == Level.REQUIRED || strict) {
                                throw new AssertionFailedError(outcome.message());
                            }
                            throw new TestAbortedException("not gating (" + c.level() + "): " + outcome.message());
                        }
                    }
                }));
    }
}
