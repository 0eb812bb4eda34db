package io.anomalykit.server.store;

import io.anomalykit.server.query.ResultFilter;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsQuery;
import io.anomalykit.server.query.SortKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded Lucene store passes the store contract and refreshes on its own interval. Its columns answer only the
 * queries they can answer exactly: a filter they do not hold, such as one added to {@link ResultsQuery} after them,
 * sends the query to Lucene instead of being silently dropped.
 */
class LuceneResultsStoreTest extends ResultsStoreContract {

    /** Long enough that only explicit refreshes publish documents during a contract test. */
    private static final long REFRESH_INTERVAL_MILLIS = 3_600_000;

    @Override
    protected Future<ResultsStore> open(Vertx vertx, Path location) {
        return LuceneResultsStore.open(vertx, location, REFRESH_INTERVAL_MILLIS);
    }

    @Test
    void writesBecomeVisibleWithinTheRefreshIntervalWithoutARefresh() throws Exception {
        ResultsStore quick = await(LuceneResultsStore.open(vertx, location.resolve("quick"), 100));
        try {
            await(quick.write(List.of(new WriteOp(WriteOp.Kind.INDEX, ".ml-anomalies-shared", "soon", record("soon", 1, 1))),
                    false));
            long deadline = System.nanoTime() + 10_000_000_000L;
            long total = 0;
            while (total == 0 && System.nanoTime() < deadline) {
                total = await(quick.search(byScore(ResultType.RECORD, true))).total();
            }
            assertThat(total).as("visible within 10 s at a 100 ms refresh interval").isEqualTo(1);
        } finally {
            await(quick.close());
        }
    }

    /** A filter the store has never heard of, standing for one added later. */
    private record OnlyDetector(int index) implements ResultFilter {
    }

    @Test
    void theColumnsDeclineAQueryWithAFilterTheyDoNotHold() {
        ResultsQuery byScore = query(ResultType.RECORD, 1L, 1_000L, 10, true,
                List.of(new SortKey("record_score", true)), 0, 10);
        assertThat(ColumnSearch.canAnswer(byScore)).as("window, threshold and interim are columns").isTrue();

        List<ResultFilter> filters = new ArrayList<>(byScore.filters());
        filters.add(new OnlyDetector(1));
        ResultsQuery withNewFilter = new ResultsQuery(JOB, ResultType.RECORD, filters, byScore.sort(), 0, 10);
        assertThat(ColumnSearch.canAnswer(withNewFilter)).isFalse();
    }

    @Test
    void aQueryTheColumnsDeclineReachesLucene() {
        index(record("a", 10, 50), record("b", 20, 60));
        ResultsQuery plain = byScore(ResultType.RECORD, true);
        assertThat(ids(plain)).containsExactly("b", "a");

        ResultsQuery withNewFilter = new ResultsQuery(JOB, ResultType.RECORD, List.of(new OnlyDetector(1)), plain.sort(),
                0, 10);
        // Lucene's translation does not know the filter either, and says so: nothing answers as if it were absent.
        assertThatThrownBy(() -> ids(withNewFilter)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OnlyDetector");
    }
}
