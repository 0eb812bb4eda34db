package io.anomalykit.server.store;

import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.concurrent.atomic.AtomicReference;

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
        return detachedExecutor(vertx, NAME, threads);
    }

    /**
     * A shared worker pool that lives until its handles are closed. Vert.x ties a pool created on a verticle's context
     * to that verticle and closes it when the verticle stops, even while other verticle instances that share the
     * stores still use it (the build saw a store's close refused by its own pool that way); a pool created on a thread
     * outside any Vert.x context is tied to Vert.x itself. Called on a context, the pool is created on a short-lived
     * thread of its own, which takes well under a millisecond.
     */
    public static WorkerExecutor detachedExecutor(Vertx vertx, String name, int threads) {
        if (Vertx.currentContext() == null) {
            return vertx.createSharedWorkerExecutor(name, threads);
        }
        AtomicReference<WorkerExecutor> made = new AtomicReference<>();
        Thread maker = new Thread(() -> made.set(vertx.createSharedWorkerExecutor(name, threads)), name + "-maker");
        maker.start();
        try {
            maker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the worker pool " + name, e);
        }
        if (made.get() == null) {
            throw new IllegalStateException("the worker pool " + name + " could not be created");
        }
        return made.get();
    }
}
