package io.anomalykit.server.store;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * The named Vert.x worker pool on which the stores and every other blocking step (Lucene reads and writes, parsing a
 * {@code _bulk} body, rendering a large answer, reading the disk's free space, reloading realm files) run, never on the
 * event loop and never on the host's default worker pool. Password hashes have their own pool,
 * {@link io.anomalykit.server.security.CredentialPool}.
 *
 * <p>Each user holds a handle on the pool by its name and closes it when done; the pool's threads stop with its last
 * handle. The server takes the first handle with its {@code store_threads} setting before opening its stores, so the
 * stores' handles join a pool of that size; a store opened on its own creates the pool with the default size.
 */
public final class StorePool {

    /** The pool's name; its threads are named {@code anomalykit-store-<n>}. */
    public static final String NAME = "anomalykit-store";

    private StorePool() {
    }

    /** As many threads as cores, at least 2: a slow search never holds up every other store call. */
    public static int defaultThreads() {
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** A handle on the pool, which is created with the default size if no handle holds it yet. */
    public static WorkerExecutor join(Vertx vertx) {
        return join(vertx, defaultThreads());
    }

    /** A handle on the pool, which is created with {@code threads} threads if no handle holds it yet. */
    public static WorkerExecutor join(Vertx vertx, int threads) {
        return vertx.createSharedWorkerExecutor(NAME, threads);
    }
}
