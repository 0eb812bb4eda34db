package io.anomalykit.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.Map;

/**
 * The server as a verticle: {@code vertx.deployVerticle(AnomalyVerticle.class, new DeploymentOptions()
 * .setConfig(config).setInstances(n))}. Its configuration is a JSON object with the keys of {@link ServerSettings}
 * ({@code {"port": 9200, "data": "/var/lib/anomalykit"}}). Every instance serves on its own event loop, on the same
 * port; the instances of one data directory (or cluster store) on one Vert.x share one set of opened stores, security
 * and HTTP settings, opened by the first to start (with its config) and closed when the last stops.
 */
public final class AnomalyVerticle extends VerticleBase {

    /** The opened anomalykits of the config-deployed instances, by what they store into, with how many use each. */
    private static final Map<SharedKey, Shared> SHARED = new HashMap<>();

    /** Instances on another Vert.x of the same JVM open their own. */
    private record SharedKey(Vertx vertx, String store) {
    }

    private static final class Shared {
        final Future<Listener> listener;
        int users;

        Shared(Future<Listener> listener) {
            this.listener = listener;
        }
    }

    /** Given when {@link AnomalyServer} deploys the instances itself, with what it opened; else null. */
    private final Listener given;
    private SharedKey sharedKey;
    private Listener listener;
    private HttpServer server;

    /** For deployment by class or name: configured by {@link #config()}. */
    public AnomalyVerticle() {
        this(null);
    }

    AnomalyVerticle(Listener listener) {
        this.given = listener;
    }

    @Override
    public Future<?> start() {
        Future<Listener> opened;
        if (given != null) {
            opened = Future.succeededFuture(given);
        } else {
            ServerSettings settings;
            try {
                settings = ServerSettings.fromConfig(config(), System.getenv());
            } catch (IllegalArgumentException e) {
                return Future.failedFuture(e);
            }
            sharedKey = new SharedKey(vertx, settings.storeKey());
            opened = acquire(sharedKey, settings);
        }
        return opened.compose(ready -> {
            listener = ready;
            return ready.listen(vertx);
        }).onSuccess(bound -> server = bound).recover(failure -> release().transform(ignored -> Future.failedFuture(failure)));
    }

    private Future<Listener> acquire(SharedKey key, ServerSettings settings) {
        synchronized (SHARED) {
            Shared shared = SHARED.get(key);
            if (shared == null || shared.listener.failed()) {
                AnomalyServer.Builder builder = settings.builder().vertx(vertx);
                shared = new Shared(builder.router(vertx).map(builder::listener));
                SHARED.put(key, shared);
            }
            shared.users++;
            return shared.listener;
        }
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : listener.close(vertx, server);
        return closed.compose(ignored -> release());
    }

    /** The last config-deployed instance of a store closes what they shared. */
    private Future<Void> release() {
        if (sharedKey == null) {
            return Future.succeededFuture();
        }
        synchronized (SHARED) {
            Shared shared = SHARED.get(sharedKey);
            if (shared == null || --shared.users > 0) {
                return Future.succeededFuture();
            }
            SHARED.remove(sharedKey);
            return shared.listener.compose(last -> last.router().close(), failure -> Future.succeededFuture());
        }
    }
}
