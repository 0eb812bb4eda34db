package io.anomalykit.server.security;

import io.anomalykit.server.error.EsException;
import io.anomalykit.server.store.StorePool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Where password hashes are checked: a small named Vert.x worker pool with a bounded queue, as Elasticsearch checks them
 * on its {@code security-crypto} pool, never on the event loop. When its threads are busy and its queue is full, a new
 * check is refused at once with Elasticsearch's 429 {@code es_rejected_execution_exception} instead of waiting.
 */
public final class CredentialPool {

    /**
     * The pool's name, Elasticsearch's; its threads are named {@code security-crypto-<pool>-<n>}, one pool per server
     * even when servers share a Vert.x.
     */
    public static final String NAME = "security-crypto";
    /** Elasticsearch's queue size for {@code security-crypto}. */
    public static final int DEFAULT_QUEUE = 1000;

    private final int threads;
    private final int queue;
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicLong completed = new AtomicLong();
    private volatile String nodeName = "anomalykit";
    private volatile WorkerExecutor executor;

    /**
     * @param threads how many checks run at once (at least 1)
     * @param queue   how many more may wait (at least 0)
     */
    public CredentialPool(int threads, int queue) {
        if (threads < 1 || queue < 0) {
            throw new IllegalArgumentException("the credential pool needs at least 1 thread and a queue of 0 or more, not ["
                    + threads + "] and [" + queue + "]");
        }
        this.threads = threads;
        this.queue = queue;
    }

    /** One core fewer than the machine has, at least one: hashing never takes every core. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    public static CredentialPool withDefaults() {
        return new CredentialPool(defaultThreads(), DEFAULT_QUEUE);
    }

    public int threads() {
        return threads;
    }

    public int queue() {
        return queue;
    }

    /** The node name the rejection message names the pool by, as Elasticsearch's {@code <node>/<pool>}. */
    public void nodeName(String value) {
        nodeName = value;
    }

    /** Binds the pool to the Vert.x it runs on; the first binding wins (later calls cost one volatile read). */
    public void bind(Vertx on) {
        if (executor == null) {
            synchronized (this) {
                if (executor == null) {
                    executor = StorePool.detachedExecutor(on, NAME + "-" + System.identityHashCode(this), threads);
                }
            }
        }
    }

    /** Hashes a new password with bcrypt on the pool, never on the caller's thread (429 when the pool is full). */
    public Future<String> hash(String password) {
        return submit(() -> Security.hash(password));
    }

    /**
     * Runs a check on the pool.
     *
     * @return its outcome, or a future failed at once with 429 when the pool is full
     */
    <T> Future<T> submit(Supplier<T> check) {
        WorkerExecutor on = executor;
        if (on == null) {
            return Future.failedFuture(new IllegalStateException("the credential pool is not bound to a Vert.x"));
        }
        int now = pending.incrementAndGet();
        if (now > threads + queue) {
            pending.decrementAndGet();
            return Future.failedFuture(rejected(check));
        }
        return on.<T>executeBlocking(check::get, false).andThen(ignored -> {
            pending.decrementAndGet();
            completed.incrementAndGet();
        });
    }

    /**
     * Elasticsearch's {@code EsAbortPolicy} message: {@code rejected execution of <task> on
     * EsThreadPoolExecutor[name = <node>/<pool>, queue capacity = <n>, <executor>[Running, pool size = …, active threads =
     * …, queued tasks = …, completed tasks = …]]}.
     */
    private EsException rejected(Object task) {
        int busy = pending.get();
        return EsException.of(429, "es_rejected_execution_exception", "rejected execution of " + task
                + " on EsThreadPoolExecutor[name = " + nodeName + "/" + NAME + ", queue capacity = " + queue + ", "
                + getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(this)) + "[Running, pool size = "
                + threads + ", active threads = " + Math.min(busy, threads) + ", queued tasks = "
                + Math.max(0, busy - threads) + ", completed tasks = " + completed.get() + "]]");
    }

    /** Stops the pool's threads. */
    public synchronized Future<Void> close() {
        return executor == null ? Future.succeededFuture() : executor.close();
    }
}
