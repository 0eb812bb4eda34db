package io.anomalykit.server;

import io.anomalykit.server.security.CredentialPool;
import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.SecurityStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.Router;

import java.util.List;

/**
 * The APIs as one Vert.x {@link Router}, with what they run on: the opened stores, security with every realm (file,
 * native, API keys) and its periodic reload, the credential pool. Made by {@link AnomalyServer.Builder#router(Vertx)};
 * a host mounts {@link #router()} under a prefix of its own ({@code router.route("/es/*").subRouter(...)}) and closes
 * this when it stops. {@link AnomalyServer} and {@link AnomalyVerticle} serve the same thing.
 */
public final class AnomalyRouter {

    private final Vertx vertx;
    private final Router router;
    private final ResultsStore store;
    private final SecurityStore securityStore;
    private final CredentialPool credentials;
    private final WorkerExecutor storePool;
    private final List<Long> timers;

    AnomalyRouter(Vertx vertx, Router router, ResultsStore store, SecurityStore securityStore, CredentialPool credentials,
                  WorkerExecutor storePool, List<Long> timers) {
        this.storePool = storePool;
        this.vertx = vertx;
        this.router = router;
        this.store = store;
        this.securityStore = securityStore;
        this.credentials = credentials;
        this.timers = List.copyOf(timers);
    }

    Vertx vertx() {
        return vertx;
    }

    /** The routes; it answers every path under where it is mounted (unknown ones with Elasticsearch's error). */
    public Router router() {
        return router;
    }

    public ResultsStore store() {
        return store;
    }

    public SecurityStore securityStore() {
        return securityStore;
    }

    /**
     * Stops the periodic tasks (realm reload, disk reading) and the credential pool, then closes both stores, then lets
     * go of the store pool.
     */
    public Future<Void> close() {
        timers.forEach(vertx::cancelTimer);
        return credentials.close().recover(failure -> Future.succeededFuture())
                .compose(ignored -> Future.join(store.close(), securityStore.close()).<Void>mapEmpty())
                .eventually(storePool::close);
    }
}
