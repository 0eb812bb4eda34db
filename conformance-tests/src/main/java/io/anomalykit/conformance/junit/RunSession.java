package io.anomalykit.conformance.junit;

import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.report.Reports;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.diff.DifferentialRun;
import io.anomalykit.conformance.run.CaseRunner;
import io.anomalykit.conformance.run.Judge;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.Target;
import io.anomalykit.conformance.service.TargetClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One run against one target, shared by {@link Conformance#run} and {@link ConformanceSuite}: the cases the
 * configuration selects, whether the target can be used at all, each case's outcome (none run after
 * {@link KitConfig#maxFailures()} gating failures), and the record and reports at the end.
 */
final class RunSession {

    private final Target target;
    private final KitConfig config;
    private final List<Case> selected;
    private final Judge runner;
    private final String problem;
    private final long seed;
    private final boolean strict;
    private final UnaryOperator<RunRecord> completion;
    private final List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
    private int gatingFailures;

    /**
     * Checks at once that the target answers {@code GET /} (waiting up to the configured time). The cases are judged
     * by their rules, or, when the configuration names a reference or a recording, against it.
     */
    RunSession(Target target, KitConfig config, CaseLibrary library) {
        this(target, config, library, config.differential() && config.replayDirectory() == null
                ? config.reference().build() : null);
    }

    /**
     * As {@link #RunSession(Target, KitConfig, CaseLibrary)}; with a {@code reference}, the target is judged against
     * it (and, when {@code target} is null, the reference is only recorded).
     */
    RunSession(Target target, KitConfig config, CaseLibrary library, Target reference) {
        this.config = config;
        if (reference == null && config.replayDirectory() == null) {
            this.target = target;
            this.selected = library.cases().stream().filter(config::selects).toList();
            this.runner = new CaseRunner(target, library, config.scope());
            this.seed = config.seed();
            this.strict = config.strict();
            this.completion = UnaryOperator.identity();
            this.problem = new TargetClient(target).problem(config.waitFor()).orElse(null);
            return;
        }
        DifferentialRun differential = reference != null ? DifferentialRun.live(target, reference, config, library)
                : DifferentialRun.replay(target, config);
        this.target = target != null ? target : reference;
        this.selected = differential.cases();
        this.runner = differential;
        this.seed = differential.seed();
        this.strict = true;
        this.completion = differential::complete;
        this.problem = differential.referenceProblem()
                .or(() -> new TargetClient(this.target).problem(config.waitFor())).orElse(null);
    }

    /** The cases to run, in order. */
    List<Case> selected() {
        return selected;
    }

    /** Why the target cannot be used (then no case runs), or null. */
    String problem() {
        return problem;
    }

    /** Whether a failure of the case fails the gate. */
    boolean gates(Case testCase) {
        return strict || config.gates(testCase);
    }

    /** Runs one case, or skips it once the configured number of gating failures is reached. */
    synchronized Outcome run(Case testCase) {
        return decide(testCase, () -> runner.run(testCase));
    }

    /**
     * Runs every selected case, up to {@link KitConfig#parallelism()} at once (they only read the data they share),
     * and tells {@code progress} of each in the cases' order. Every outcome, and which cases {@code max-failures}
     * leaves unrun, is as it would be one case at a time: a case's outcome is taken in order, and one run
     * speculatively after the stop is discarded.
     */
    void runAll(Conformance.Progress progress) {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(config.parallelism(), task -> {
            Thread thread = new Thread(task, "anomalykit-case-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Outcome>> running = selected.stream().map(c -> pool.submit(() -> runner.run(c))).toList();
            for (int i = 0; i < selected.size(); i++) {
                Future<Outcome> future = running.get(i);
                Outcome outcome;
                synchronized (this) {
                    outcome = decide(selected.get(i), () -> outcomeOf(future));
                    if (stopped()) {
                        running.subList(i + 1, running.size()).forEach(waiting -> waiting.cancel(false));
                    }
                }
                progress.ran(outcome, i + 1, selected.size());
            }
        } finally {
            pool.shutdownNow();
            try {
                // Cases still running (after a stop or an exception) end before the run deletes their data.
                pool.awaitTermination(config.parallelism() * 2L * 60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The case's outcome from {@code run}, or "not run" once the configured number of gating failures is reached. */
    private Outcome decide(Case testCase, Supplier<Outcome> run) {
        Outcome outcome;
        if (stopped()) {
            outcome = new Outcome(testCase, Outcome.Result.SKIPPED, List.of(), "not run: the run stopped after "
                    + config.maxFailures() + " gating failures (max-failures)", null, 0);
        } else {
            outcome = run.get();
            if (outcome.result() == Outcome.Result.FAILED && gates(testCase)) {
                gatingFailures++;
            }
        }
        outcomes.add(outcome);
        return outcome;
    }

    /** Whether the configured number of gating failures is reached. */
    private boolean stopped() {
        return config.maxFailures() > 0 && gatingFailures >= config.maxFailures();
    }

    private static Outcome outcomeOf(Future<Outcome> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a case", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Deletes what the run created on the target, then returns the record of the run so far (saying what could not be
     * deleted), written into the configured report directory when there is one.
     */
    RunRecord finish() {
        List<String> leftBehind = runner.deleteCreated();
        if (!leftBehind.isEmpty()) {
            System.err.println("WARNING: anomalykit: could not delete from " + target.baseUrl() + " what this run created"
                    + " there; remove it by hand: " + String.join("; ", leftBehind));
        }
        List<Case> ran = problem != null ? selected : outcomes.stream().map(Outcome::testCase).toList();
        RunRecord record = completion.apply(new RunRecord(target.baseUrl().toString(), seed, Instant.now(), ran,
                outcomes, strict, problem, leftBehind));
        if (config.reportDirectory() != null) {
            try {
                Reports.write(config.reportDirectory(), record);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the reports to " + config.reportDirectory() + ": "
                        + e.getMessage(), e);
            }
        }
        return record;
    }
}
