package io.anomalykit.server.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A resolved search for results, what every store executes: job, result type, the filters every result must pass,
 * the full sort with its tie-breakers, and the page. Stores add only a stable, store-defined final tie-break.
 * The query's meaning is decided here, once: stores translate the {@link ResultFilter filters}, they do not
 * reinterpret parameters.
 */
public record ResultsQuery(String jobId, ResultType type, List<ResultFilter> filters, List<SortKey> sort, int from,
                           int size) {

    /** Elasticsearch's default {@code index.max_result_window}. */
    public static final int MAX_RESULT_WINDOW = 10_000;

    public ResultsQuery {
        filters = List.copyOf(filters);
        sort = List.copyOf(sort);
    }

    /**
     * The query for Elasticsearch's parameters: the {@code [start, end)} window in epoch milliseconds (null bounds are
     * open), interim exclusion and the inclusive score threshold (0 or less: none).
     */
    public static ResultsQuery of(String jobId, ResultType type, Long start, Long endExclusive, boolean excludeInterim,
                                  double scoreThreshold, List<SortKey> sort, int from, int size) {
        List<ResultFilter> filters = new ArrayList<>();
        ResultFilter.TimeWindow window = ResultFilter.TimeWindow.of(start, endExclusive);
        if (window != null) {
            filters.add(window);
        }
        if (scoreThreshold > 0.0) {
            filters.add(new ResultFilter.MinimumScore(type.scoreField(), scoreThreshold));
        }
        if (excludeInterim) {
            filters.add(new ResultFilter.FinalOnly());
        }
        return new ResultsQuery(jobId, type, filters, sort, from, size);
    }

    /** The query's filter of one kind, if it has one. */
    public <F extends ResultFilter> Optional<F> filter(Class<F> kind) {
        return filters.stream().filter(kind::isInstance).map(kind::cast).findFirst();
    }
}
