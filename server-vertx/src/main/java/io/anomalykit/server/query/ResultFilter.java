package io.anomalykit.server.query;

/**
 * One condition of a {@link ResultsQuery} that a result must meet, besides belonging to the job and having the type.
 * A store translates each filter it knows and must refuse (not ignore) one it does not: a path that answers only some
 * queries, such as the embedded store's columns, declares the filters it understands and leaves the rest to the path
 * that understands them all.
 */
public interface ResultFilter {

    /**
     * The {@code timestamp} window as inclusive bounds, already resolved from Elasticsearch's {@code [start, end)}:
     * {@code from > to} means nothing matches.
     */
    record TimeWindow(long from, long to) implements ResultFilter {

        private static final TimeWindow NOTHING = new TimeWindow(Long.MAX_VALUE, Long.MIN_VALUE);

        /**
         * The window of {@code [start, end)}; null bounds are open.
         *
         * @return null when both bounds are open (no filter at all)
         */
        public static TimeWindow of(Long start, Long endExclusive) {
            if (start == null && endExclusive == null) {
                return null;
            }
            if (endExclusive != null && endExclusive == Long.MIN_VALUE) {
                return NOTHING;
            }
            return new TimeWindow(start == null ? Long.MIN_VALUE : start,
                    endExclusive == null ? Long.MAX_VALUE : endExclusive - 1);
        }

        public boolean isEmpty() {
            return from > to;
        }
    }

    /** The result type's score at least {@code minimum} (inclusive); only present for a threshold above 0. */
    record MinimumScore(String field, double minimum) implements ResultFilter {
    }

    /** Leaves out interim results: a result without {@code is_interim} counts as final. */
    record FinalOnly() implements ResultFilter {
    }
}
