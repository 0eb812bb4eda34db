package io.anomalykit.server;

import io.anomalykit.server.http.AnomalyRoutes;
import io.anomalykit.server.http.ConnectionLimits;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every HTTP server of one anomalykit shares, one server per verticle instance (each on its own event loop, all on
 * one port): the router, the connection limits (counted over all of them) and the count of requests in flight that
 * closing drains.
 */
final class Listener {

    /** How long closing lets in-flight requests finish. */
    private static final long DRAIN_MILLIS = 30_000;

    private final AnomalyRouter router;
    private final HttpServerOptions options;
    private final ConnectionLimits limits;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile int port;

    /**
     * @param options the HTTP server's; port 0 becomes Vert.x's shared random port (a negative port), so that every
     *                instance listens on the same one
     */
    Listener(AnomalyRouter router, HttpServerOptions options, ConnectionLimits limits) {
        this.router = router;
        this.options = new HttpServerOptions(options);
        if (options.getPort() == 0) {
            this.options.setPort(-1);
        }
        this.limits = limits;
        // First of all routes: counted in flight and held against the connection's limits until answered. Through the
        // routing context's end handlers, which Vert.x Web keeps together (it replaces a response's own end handler).
        router.router().route().order(Integer.MIN_VALUE).handler(rc -> {
            inFlight.incrementAndGet();
            Runnable answered = limits.admit(rc.request());
            rc.addEndHandler(ignored -> {
                answered.run();
                inFlight.decrementAndGet();
            });
            rc.next();
        });
    }

    AnomalyRouter router() {
        return router;
    }

    boolean tls() {
        return options.isSsl();
    }

    /** The port bound (once one server listens). */
    int port() {
        return port;
    }

    /** One more HTTP server, on the calling verticle's event loop. */
    Future<HttpServer> listen(Vertx vertx) {
        Handler<HttpServerRequest> invalid = AnomalyRoutes.invalidRequestHandler();
        return vertx.createHttpServer(options).connectionHandler(limits::connected).requestHandler(request -> {
            if (AnomalyRoutes.hasUndecodableQuery(request)) {
                invalid.handle(request);
            } else {
                AnomalyRoutes.handle(router.router(), request);
            }
        }).invalidRequestHandler(invalid).listen().onSuccess(server -> port = server.actualPort());
    }

    /** Lets the requests in flight finish (up to 30 s), then closes the server. */
    Future<Void> close(Vertx vertx, HttpServer server) {
        return drained(vertx, System.currentTimeMillis() + DRAIN_MILLIS).compose(ignored -> server.close())
                .recover(ignored -> Future.succeededFuture());
    }

    private Future<Void> drained(Vertx vertx, long deadline) {
        Promise<Void> done = Promise.promise();
        awaitDrained(vertx, deadline, done);
        return done.future();
    }

    /** Polls without nesting a promise per tick (a long drain would otherwise complete thousands of them recursively). */
    private void awaitDrained(Vertx vertx, long deadline, Promise<Void> done) {
        if (inFlight.get() == 0 || System.currentTimeMillis() > deadline) {
            done.complete();
        } else {
            vertx.setTimer(20, id -> awaitDrained(vertx, deadline, done));
        }
    }
}
