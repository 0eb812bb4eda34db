package io.anomalykit.conformance.junit;

import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.cases.Level;
import io.anomalykit.conformance.run.CaseRunner;
import io.anomalykit.conformance.report.Reports;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.Target;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ConformanceSuite {

    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private CaseLibrary library;

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

    /** Where to write the reports (JUnit XML per rule, HTML, JSON); none when null (system property {@code anomalykit.reports}). */
    protected Path reportDirectory() {
        String directory = System.getProperty("anomalykit.reports");
        return directory == null ? null : Path.of(directory);
    }

    @TestFactory
    Stream<DynamicTest> conformance() {
        library = CaseLibrary.load();
        CaseRunner runner = new CaseRunner(target(), library);
        boolean strict = strict();
        return library.cases().stream()
                .filter(c -> c.id().contains(include()))
                .map(c -> DynamicTest.dynamicTest(c.displayName(), () -> {
                    Outcome outcome = runner.run(c);
                    outcomes.add(outcome);
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

    @AfterAll
    void writeReports() throws IOException {
        Path directory = reportDirectory();
        if (directory != null && library != null) {
            List<Case> ran = outcomes.stream().map(Outcome::testCase).toList();
            Reports.write(directory, new RunRecord(target().baseUrl().toString(),
                    Long.getLong("anomalykit.seed", CaseLibrary.DEFAULT_SEED), Instant.now(), ran, outcomes));
        }
    }
}
