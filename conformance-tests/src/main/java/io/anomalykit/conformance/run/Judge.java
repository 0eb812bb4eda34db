package io.anomalykit.conformance.run;

import io.anomalykit.conformance.cases.Case;

import java.util.List;

/**
 * How a run decides each case: by the case's own rules ({@link CaseRunner}) or by comparison with a reference (the
 * {@code diff} package). Cases may be judged on several threads at once.
 */
public interface Judge {

    /** Runs one case and says how it ended; the outcome's case is the case as sent (job ids prefixed). */
    Outcome run(Case testCase);

    /**
     * Deletes everything the judge created, whatever happened before.
     *
     * @return what could not be deleted, each with the reason; empty when everything was
     */
    List<String> deleteCreated();
}
