package io.anomalykit.conformance.report;

import java.util.List;
import java.util.Map;

/**
 * What a differential run adds to its record: the reference it was judged against, its differences grouped by cause,
 * and each differing case's two answers side by side.
 *
 * @param reference what the target was compared with: the reference's URL, or the recording's directory
 * @param warnings  what the reports say before anything else (a recording of another major version, say)
 * @param findings  every cause of difference, with the cases showing it; accepted ones carry their reason
 * @param answers   by case id, the two answers of each case that differed
 */
public record Differential(String reference, List<String> warnings, List<Finding> findings,
                           Map<String, SideBySide> answers) {

    public Differential {
        warnings = List.copyOf(warnings);
        findings = List.copyOf(findings);
        answers = Map.copyOf(answers);
    }

    /**
     * One cause of difference, however many cases show it.
     *
     * @param cause    the difference in words that do not depend on the case: {@code status 404 -> 400}
     * @param accepted why the difference is accepted (from the accepted-differences file), or null when it fails
     * @param caseIds  the cases showing it, in the run's order
     */
    public record Finding(String cause, String accepted, List<String> caseIds) {
        public Finding {
            caseIds = List.copyOf(caseIds);
        }
    }

    /** Both answers to one request, each with a curl repeating it (secrets left in environment variables). */
    public record SideBySide(String referenceCurl, String referenceAnswer, String targetCurl, String targetAnswer) {
    }
}
