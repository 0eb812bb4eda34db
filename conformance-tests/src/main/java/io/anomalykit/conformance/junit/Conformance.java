package io.anomalykit.conformance.junit;

import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.Target;
import org.opentest4j.AssertionFailedError;

import java.util.List;

/**
 * The kit in one call, for a test that does not extend {@link ConformanceSuite}:
 *
 * <pre>{@code
 * RunRecord run = Conformance.run(Target.at("https://127.0.0.1:9200").caCertificate(ca).superuserApiKey(key).build());
 * Conformance.assertPassed(run);
 * }</pre>
 */
public final class Conformance {

    /** What a run reports after each case, in the cases' order, on the thread that called {@code run}. */
    @FunctionalInterface
    public interface Progress {
        /** Case {@code index} (from 1) of {@code total} ended with {@code outcome}. */
        void ran(Outcome outcome, int index, int total);
    }

    private Conformance() {
    }

    /** Runs the cases the system properties (and {@code anomalykit-kit.yaml}) select against {@code target}. */
    public static RunRecord run(Target target) {
        return run(target, KitConfig.fromSystemProperties());
    }

    /**
     * Runs the cases {@code config} selects against {@code target}, {@link KitConfig#parallelism()} at once, writing its
     * reports if it names a directory. The record lists the cases in their order, whatever order they ended in.
     */
    public static RunRecord run(Target target, KitConfig config) {
        return run(target, config, CaseLibrary.load(config.seed()), (outcome, index, total) -> { });
    }

    /**
     * As {@link #run(Target, KitConfig)}, over {@code library}, telling {@code progress} after each case. Whatever
     * happens, what the run created on the target is deleted at its end. When the target cannot be used —
     * unreachable, its TLS handshake or the superuser's authentication failed — no case runs and the record says why
     * ({@link RunRecord#error()}).
     */
    public static RunRecord run(Target target, KitConfig config, CaseLibrary library, Progress progress) {
        return run(new RunSession(target, config, library), progress);
    }

    /**
     * Judges {@code target} against {@code reference} instead of by the cases' rules: every case the configuration
     * selects and its exploration set ({@link KitConfig#explorationSize()}) are sent to both, seeded alike under the
     * configuration's run prefix, and each difference between their answers fails (every case gates); with a record
     * directory configured, the reference's answers are written there too. {@code target} null only records.
     */
    public static RunRecord run(Target target, Target reference, KitConfig config) {
        return run(target, reference, config, CaseLibrary.load(config.seed()), (outcome, index, total) -> { });
    }

    /** As {@link #run(Target, Target, KitConfig)}, over {@code library}, telling {@code progress} after each case. */
    public static RunRecord run(Target target, Target reference, KitConfig config, CaseLibrary library,
                                Progress progress) {
        return run(new RunSession(target, config, library, reference), progress);
    }

    private static RunRecord run(RunSession session, Progress progress) {
        try {
            if (session.problem() == null) {
                session.runAll(progress);
            }
        } catch (RuntimeException | Error e) {
            // What the run created is deleted even so; the exception still ends the run.
            try {
                session.finish();
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        return session.finish();
    }

    /**
     * Asserts that the run passed its gate.
     *
     * @throws IllegalStateException when the target could not be used, so the test errors rather than fails
     * @throws AssertionFailedError  listing every gating failure, in full
     */
    public static void assertPassed(RunRecord run) {
        if (run.error() != null) {
            throw new IllegalStateException("no conformance case ran: " + run.error());
        }
        List<Outcome> failures = run.gatingFailures();
        if (!failures.isEmpty()) {
            StringBuilder message = new StringBuilder(failures.size() + " gating conformance case(s) failed against "
                    + run.target() + ":\n");
            failures.forEach(f -> message.append(f.message()));
            throw new AssertionFailedError(message.toString());
        }
    }
}
