package io.anomalykit.server.query;

import io.anomalykit.server.error.EsException;

import java.util.ArrayList;
import java.util.List;

/**
 * What a results request asked for, before the job is known to exist: dates are still text because Elasticsearch
 * reads them only when it searches (so an unknown job is reported before a bad date).
 */
public record ResultsRequest(String jobId, ResultType type, String start, String end, boolean excludeInterim,
                             int from, int size, double scoreThreshold, String sort, boolean descending) {

    /** Resolves the dates and the full sort; fails as Elasticsearch's search would. */
    public ResultsQuery resolve(long nowMillis) {
        Long startMillis = start == null ? null : resolveBound(start, nowMillis);
        Long endMillis = end == null ? null : resolveBound(end, nowMillis);
        if ((long) from + size > ResultsQuery.MAX_RESULT_WINDOW) {
            throw EsException.searchFailure(EsException.illegalArgument("Result window is too large, from + size must be "
                    + "less than or equal to: [" + ResultsQuery.MAX_RESULT_WINDOW + "] but was [" + ((long) from + size)
                    + "]. See the scroll api for a more efficient way to request large data sets. This limit can be set by "
                    + "changing the [index.max_result_window] index level setting."));
        }
        List<SortKey> keys = new ArrayList<>();
        keys.add(new SortKey(sort, descending));
        for (String tieBreaker : type.tieBreakers()) {
            keys.add(new SortKey(tieBreaker, descending));
        }
        return ResultsQuery.of(jobId, type, startMillis, endMillis, excludeInterim, scoreThreshold, keys, from, size);
    }

    private static long resolveBound(String text, long nowMillis) {
        try {
            return Dates.parseBound(text, nowMillis);
        } catch (EsException e) {
            throw EsException.searchFailure(e);
        }
    }
}
