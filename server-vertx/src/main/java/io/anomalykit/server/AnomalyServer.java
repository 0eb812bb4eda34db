package io.anomalykit.server;

import io.anomalykit.server.http.AnomalyRoutes;
import io.anomalykit.server.seed.Fixtures;
import io.anomalykit.server.store.LuceneResultsStore;
import io.anomalykit.server.store.ResultsStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The reference server, embeddable: build it, start it, close it. A Vert.x application that has its own router can
 * instead open a store with {@link LuceneResultsStore#open} and call {@link AnomalyRoutes#mount}.
 */
public final class AnomalyServer {

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final HttpServer http;
    private final ResultsStore store;

    private AnomalyServer(Vertx vertx, boolean ownsVertx, HttpServer http, ResultsStore store) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.http = http;
        this.store = store;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return http.actualPort();
    }

    public ResultsStore store() {
        return store;
    }

    /** Stops accepting connections, lets in-flight requests finish, then closes the store. */
    public Future<Void> close() {
        Future<Void> stopped = http.shutdown(30, TimeUnit.SECONDS).recover(ignored -> Future.succeededFuture())
                .compose(ignored -> store.close());
        return ownsVertx ? stopped.eventually(vertx::close) : stopped;
    }

    public static final class Builder {
        private String host = "127.0.0.1";
        private int port = 9200;
        private Path dataDirectory = Path.of("data");
        private boolean demo;
        private final List<Path> preloads = new ArrayList<>();
        private long refreshIntervalMillis = 1000;
        private Clock clock = Clock.systemUTC();
        private Vertx vertx;

        private Builder() {
        }

        public Builder host(String value) {
            host = Objects.requireNonNull(value);
            return this;
        }

        /** 0 picks a free port. */
        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder dataDirectory(Path value) {
            dataDirectory = Objects.requireNonNull(value);
            return this;
        }

        /** Load the documented example data into an empty store at start. */
        public Builder demo(boolean value) {
            demo = value;
            return this;
        }

        /** A {@code _bulk} NDJSON file to apply at start. */
        public Builder preload(Path file) {
            preloads.add(Objects.requireNonNull(file));
            return this;
        }

        /** How often new documents become visible without an explicit refresh (Elasticsearch's default: 1s). */
        public Builder refreshIntervalMillis(long value) {
            refreshIntervalMillis = value;
            return this;
        }

        public Builder clock(Clock value) {
            clock = Objects.requireNonNull(value);
            return this;
        }

        /** Run on the host's Vert.x instead of a private one; closing the server then leaves it running. */
        public Builder vertx(Vertx value) {
            vertx = Objects.requireNonNull(value);
            return this;
        }

        public Future<AnomalyServer> start() {
            boolean owns = vertx == null;
            Vertx runtime = owns ? Vertx.vertx() : vertx;
            Future<AnomalyServer> started = LuceneResultsStore.open(runtime, dataDirectory, refreshIntervalMillis)
                    .compose(store -> preload(store).compose(ignored -> listen(runtime, owns, store))
                            .recover(failure -> store.close().transform(ignored -> Future.failedFuture(failure))));
            return owns ? started.recover(failure -> runtime.close().transform(ignored -> Future.failedFuture(failure)))
                    : started;
        }

        private Future<Void> preload(ResultsStore store) {
            Future<Void> chain = demo ? Fixtures.loadDemo(store, clock.millis()).mapEmpty() : Future.succeededFuture();
            for (Path file : preloads) {
                chain = chain.compose(ignored -> Fixtures.loadFile(store, file)).compose(report -> report.failed() == 0
                        ? Future.succeededFuture()
                        : Future.failedFuture(new IllegalArgumentException("--load " + file + ": " + report.summary())));
            }
            return chain;
        }

        private Future<AnomalyServer> listen(Vertx runtime, boolean owns, ResultsStore store) {
            Router router = Router.router(runtime);
            AnomalyRoutes.mount(router, store, clock, true);
            HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
                    .setMaxInitialLineLength(16 * 1024).setMaxHeaderSize(16 * 1024).setCompressionSupported(true)
                    .setDecompressionSupported(true);
            return runtime.createHttpServer(options).requestHandler(router).listen()
                    .map(server -> new AnomalyServer(runtime, owns, server, store));
        }
    }
}
