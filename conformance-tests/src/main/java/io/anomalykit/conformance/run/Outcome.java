package io.anomalykit.conformance.run;

import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.check.Difference;

import java.util.List;

/** What one case found: passed, failed (with the differences and a reproducer) or skipped (with why). */
public record Outcome(Case testCase, Result result, List<Difference> differences, String reason, String reproducer,
                      long millis) {

    /** How a case ended. */
    public enum Result { PASSED, FAILED, SKIPPED }

    public Outcome {
        differences = List.copyOf(differences);
    }

    /** A failure message readable without the kit's code: the request, each difference, and how to reproduce it. */
    public String message() {
        StringBuilder text = new StringBuilder(testCase.displayName()).append('\n');
        text.append("  rule source: ").append(testCase.source()).append('\n');
        text.append("  request: ").append(testCase.request().method()).append(' ').append(testCase.request().path());
        testCase.request().query().forEach((k, v) -> text.append(' ').append(k).append('=').append(v));
        text.append('\n');
        if (reason != null) {
            text.append("  ").append(reason).append('\n');
        }
        differences.forEach(d -> text.append("  ").append(d).append('\n'));
        if (reproducer != null) {
            text.append("  reproduce with:\n    ").append(reproducer).append('\n');
        }
        return text.toString();
    }
}
