package io.anomalykit.server.store;

import io.anomalykit.server.query.ResultType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedded Lucene store passes the store contract, and refreshes on its own interval. */
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
}
