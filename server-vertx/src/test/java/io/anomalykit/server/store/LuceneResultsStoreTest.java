package io.anomalykit.server.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.file.Path;

/** The embedded Lucene store passes the store contract. */
class LuceneResultsStoreTest extends ResultsStoreContract {

    /** Long enough that only explicit refreshes publish documents during a test. */
    private static final long REFRESH_INTERVAL_MILLIS = 3_600_000;

    @Override
    protected Future<ResultsStore> open(Vertx vertx, Path location) {
        return LuceneResultsStore.open(vertx, location, REFRESH_INTERVAL_MILLIS);
    }
}
