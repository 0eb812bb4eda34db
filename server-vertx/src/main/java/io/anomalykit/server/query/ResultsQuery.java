package io.anomalykit.server.query;

import java.util.List;

/**
 * A resolved search for results, what every store executes: job, result type, the {@code [startMillis, endMillis)}
 * window (null bounds are open), the inclusive score threshold (0 or less: none), interim exclusion, the full sort
 * with its tie-breakers, and the page. Stores add only a stable, store-defined final tie-break.
 */
public record ResultsQuery(String jobId, ResultType type, Long startMillis, Long endMillis, boolean excludeInterim,
                           double scoreThreshold, List<SortKey> sort, int from, int size) {

    /** Elasticsearch's default {@code index.max_result_window}. */
    public static final int MAX_RESULT_WINDOW = 10_000;

    public ResultsQuery {
        sort = List.copyOf(sort);
    }

    public boolean hasScoreThreshold() {
        return scoreThreshold > 0.0;
    }
}
