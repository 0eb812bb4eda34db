package io.anomalykit.server.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.nio.file.Path;

/** The embedded security store passes the security store contract. */
class LuceneSecurityStoreTest extends SecurityStoreContract {

    @Override
    protected Future<SecurityStore> open(Vertx vertx, Path location) {
        return LuceneSecurityStore.open(vertx, location);
    }
}
