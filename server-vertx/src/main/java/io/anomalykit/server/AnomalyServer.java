package io.anomalykit.server;

import io.anomalykit.server.http.AnomalyRoutes;
import io.anomalykit.server.http.ConnectionLimits;
import io.anomalykit.server.http.EmulatedVersion;
import io.anomalykit.server.http.EndpointGroup;
import io.anomalykit.server.http.HealthCheck;
import io.anomalykit.server.security.ApiKeys;
import io.anomalykit.server.security.CredentialPool;
import io.anomalykit.server.security.LoginThrottle;
import io.anomalykit.server.security.NativeRealm;
import io.anomalykit.server.security.Security;
import io.anomalykit.server.security.SecuritySettings;
import io.anomalykit.server.write.Fixtures;
import io.anomalykit.server.store.ClusterResultsStore;
import io.anomalykit.server.store.ClusterSecurityStore;
import io.anomalykit.server.store.ClusterSettings;
import io.anomalykit.server.store.DiskWatermark;
import io.anomalykit.server.store.LuceneResultsStore;
import io.anomalykit.server.store.LuceneSecurityStore;
import io.anomalykit.server.store.StorePool;
import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.SecurityStore;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The reference server, embeddable: build it, start it, close it. It is assembled from two stores, each made by a
 * factory: a {@link ResultsStore} (results and jobs) and a {@link SecurityStore} (native users, roles, API keys); by
 * default both are embedded Lucene indices under the data directory. The same builder gives a Vert.x application that
 * has its own router an {@link AnomalyRouter} to mount under a prefix ({@link Builder#router}); the server itself is
 * that router served by {@link AnomalyVerticle} instances.
 */
public final class AnomalyServer {

    /** How often the realm files are checked for changes. */
    private static final long REALM_RELOAD_MILLIS = 1000;
    /** A connection on which nothing is read or written for this long is closed. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** A request's line and headers must arrive within this long of the connection opening or its previous answer. */
    public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(30);
    /** Open connections allowed at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 1000;

    /**
     * The heap, as Elasticsearch's {@code network.breaker.inflight_requests.limit} (100%): with its overhead of 2, request
     * bodies of half the heap at once, over all requests.
     */
    public static long defaultMaxInFlightBodyBytes() {
        return Runtime.getRuntime().maxMemory();
    }

    private final Vertx vertx;
    private final boolean ownsVertx;
    private final String deployment;
    private final Listener listener;

    private AnomalyServer(Vertx vertx, boolean ownsVertx, String deployment, Listener listener) {
        this.vertx = vertx;
        this.ownsVertx = ownsVertx;
        this.deployment = deployment;
        this.listener = listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where the default embedded results store keeps its index inside a data directory. */
    public static Path resultsDirectory(Path dataDirectory) {
        return dataDirectory.resolve("results");
    }

    /** Where the default embedded security store keeps its index inside a data directory. */
    public static Path securityDirectory(Path dataDirectory) {
        return dataDirectory.resolve("security");
    }

    /** {@code https} when serving TLS, else {@code http}. */
    public String scheme() {
        return listener.tls() ? "https" : "http";
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return listener.port();
    }

    public ResultsStore store() {
        return listener.router().store();
    }

    public SecurityStore securityStore() {
        return listener.router().securityStore();
    }

    /**
     * Undeploys the listening instances (each lets in-flight requests finish, up to 30 s, then closes its listener and
     * connections), then closes the stores.
     */
    public Future<Void> close() {
        Future<Void> stopped = vertx.undeploy(deployment).recover(ignored -> Future.succeededFuture())
                .compose(ignored -> listener.router().close());
        if (!ownsVertx) {
            return stopped;
        }
        // Closed from a thread of no Vert.x: the outcome of a close asked for on one of its own event loops would be
        // delivered to that loop, which the close has ended.
        Promise<Void> outcome = Promise.promise();
        stopped.onComplete(ignored -> ForkJoinPool.commonPool().execute(() -> vertx.close().onComplete(outcome)));
        return outcome.future();
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
        private SecuritySettings security = new SecuritySettings(true, null, null, true);
        private Path tlsCertificate;
        private Path tlsKey;
        private long maxBodyBytes = AnomalyRoutes.MAX_BODY_BYTES;
        private EmulatedVersion compatibility = EmulatedVersion.DEFAULT;
        private int credentialThreads = CredentialPool.defaultThreads();
        private int credentialQueue = CredentialPool.DEFAULT_QUEUE;
        private int storeThreads = StorePool.defaultThreads();
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int loginThrottleAttempts;
        private Duration loginThrottleWindow = LoginThrottle.DEFAULT_WINDOW;
        private long maxInFlightBodyBytes = defaultMaxInFlightBodyBytes();
        private long floodStageFreeBytes = -1;
        private DiskWatermark.FreeSpace freeSpace;
        private Duration diskCheckInterval = DiskWatermark.DEFAULT_CHECK_INTERVAL;
        private Function<Vertx, Future<ResultsStore>> resultsStore;
        private Function<Vertx, Future<SecurityStore>> securityStore;
        private Set<EndpointGroup> endpoints = EnumSet.allOf(EndpointGroup.class);
        private int eventLoops = 1;

        private Builder() {
        }

        /**
         * How to open the results store (default: the embedded Lucene store in {@code <dataDirectory>/results}). The
         * server closes it when it closes.
         */
        public Builder store(Function<Vertx, Future<ResultsStore>> factory) {
            resultsStore = Objects.requireNonNull(factory);
            return this;
        }

        /**
         * How to open the store of native users, roles and API keys (default: an embedded Lucene index in
         * {@code <dataDirectory>/security}). The server closes it when it closes.
         */
        public Builder securityStore(Function<Vertx, Future<SecurityStore>> factory) {
            securityStore = Objects.requireNonNull(factory);
            return this;
        }

        /** Keep results and security objects in a search cluster ({@code dataDirectory} is then unused). */
        public Builder clusterStore(ClusterSettings value) {
            Objects.requireNonNull(value);
            return store(vertx -> ClusterResultsStore.open(vertx, value))
                    .securityStore(vertx -> ClusterSecurityStore.open(vertx, value));
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

        /** Where the embedded stores keep their indices ({@code results/}, {@code security/}); default {@code ./data}. */
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

        /** Authentication and authorization; on by default, with no user until one is configured. */
        public Builder security(SecuritySettings value) {
            security = Objects.requireNonNull(value);
            return this;
        }

        /** The largest request body accepted (Elasticsearch's default: 100 MiB); larger ones get 413. */
        public Builder maxBodyBytes(long value) {
            maxBodyBytes = value;
            return this;
        }

        /**
         * The Elasticsearch major version to answer as: {@link EmulatedVersion#V8} (default, 8.19) or
         * {@link EmulatedVersion#V9} (9.x). It decides {@code GET /}, the {@code compatible-with} versions accepted,
         * and whether the {@code _xpack/ml} paths exist.
         */
        public Builder compatibility(EmulatedVersion value) {
            compatibility = Objects.requireNonNull(value);
            return this;
        }

        /** The same, by major version number: {@code 8} or {@code 9}. */
        public Builder compatibility(int major) {
            return compatibility(EmulatedVersion.ofMajor(Integer.toString(major)));
        }

        /**
         * How many password hashes are checked at once, on the {@code security-crypto} worker pool (default: one fewer
         * than the cores, at least 1), so bad logins never take every core.
         */
        public Builder credentialThreads(int value) {
            credentialThreads = value;
            return this;
        }

        /**
         * How many more password checks may wait for the pool (default 1000, as Elasticsearch's {@code security-crypto}
         * queue); beyond it a request that needs one is answered 429 {@code es_rejected_execution_exception} at once.
         */
        public Builder credentialQueue(int value) {
            credentialQueue = value;
            return this;
        }

        /**
         * Threads of the {@value StorePool#NAME} pool, where the stores and every other blocking step run (default as
         * many as cores, at least 2).
         */
        public Builder storeThreads(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("the store pool needs at least 1 thread, not [" + value + "]");
            }
            storeThreads = value;
            return this;
        }

        /**
         * A connection on which nothing is read or written for this long is closed (default 60 s; whole seconds, at
         * least 1).
         */
        public Builder idleTimeout(Duration value) {
            idleTimeout = positive(value, "idle timeout");
            return this;
        }

        /**
         * How long a connection may take to send a request's line and headers, counted from its opening or from the end
         * of its previous answer (default 30 s); then it is closed. An idle keep-alive connection is closed after it too.
         */
        public Builder headerTimeout(Duration value) {
            headerTimeout = positive(value, "header timeout");
            return this;
        }

        /** Open connections allowed at once (default 1000); a connection beyond it is closed as soon as it is accepted. */
        public Builder maxConnections(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("max connections must be at least 1, not [" + value + "]");
            }
            maxConnections = value;
            return this;
        }

        /**
         * The in-flight requests breaker's limit (default the heap), as Elasticsearch's: the request body bytes held at
         * once, over all requests, times its overhead of 2, may not go beyond it. A request whose declared body would
         * pass it is answered 429 {@code circuit_breaking_exception} before its body is read; a chunked one when the
         * chunk that passes it arrives (the rest is read and dropped, and the answer sent at its end).
         */
        public Builder maxInFlightBodyBytes(long value) {
            if (value < 1) {
                throw new IllegalArgumentException("max in-flight body bytes must be at least 1, not [" + value + "]");
            }
            maxInFlightBodyBytes = value;
            return this;
        }

        /**
         * Failed password logins allowed from one source address within {@link #loginThrottleWindow} (default 0: no
         * throttling, as Elasticsearch); past them that address's password logins get the 401 of a wrong password at
         * once, without a password check, until the window ends.
         */
        public Builder loginThrottleAttempts(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("login throttle attempts must be 0 or more, not [" + value + "]");
            }
            loginThrottleAttempts = value;
            return this;
        }

        /** How long an address's failed logins count, from its first (default 60 s). */
        public Builder loginThrottleWindow(Duration value) {
            loginThrottleWindow = positive(value, "login throttle window");
            return this;
        }

        private static Duration positive(Duration value, String name) {
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, not [" + value + "]");
            }
            return value;
        }

        /**
         * Elasticsearch's flood-stage watermark for the embedded stores: while fewer bytes than this are free on the
         * data path, writes ({@code _bulk} items, {@code _doc}, job creation, security writes) are refused with 429
         * {@code cluster_block_exception}; reads go on. Default (a negative value): Elasticsearch's, min(5% of the disk,
         * 100 GB); 0 turns it off.
         */
        public Builder floodStageFreeBytes(long value) {
            floodStageFreeBytes = value;
            return this;
        }

        /**
         * How often the free space of the data path is read (default 30 s, as Elasticsearch's
         * {@code cluster.info.update.interval}); writes are judged by the last reading.
         */
        public Builder diskCheckInterval(Duration value) {
            diskCheckInterval = positive(value, "disk check interval");
            return this;
        }

        /** Where the free space of the data path is read from (default: its file system); for tests and tools. */
        public Builder freeSpace(DiskWatermark.FreeSpace value) {
            freeSpace = Objects.requireNonNull(value);
            return this;
        }

        /** Serve HTTPS with a PEM certificate (chain) and its PEM private key. */
        public Builder tls(Path certificate, Path key) {
            tlsCertificate = Objects.requireNonNull(certificate);
            tlsKey = Objects.requireNonNull(key);
            return this;
        }

        /**
         * The API groups served (default: all). A host that seeds its data another way can serve
         * {@link EndpointGroup#RESULTS} alone.
         */
        public Builder endpoints(Set<EndpointGroup> value) {
            if (value.isEmpty()) {
                throw new IllegalArgumentException("at least one endpoint group is served");
            }
            endpoints = EnumSet.copyOf(value);
            return this;
        }

        /**
         * How many verticle instances {@link #start()} deploys, each serving on its own event loop, all on the same port
         * and over the same stores (default 1).
         */
        public Builder eventLoops(int value) {
            if (value < 1) {
                throw new IllegalArgumentException("event loops must be at least 1, not [" + value + "]");
            }
            eventLoops = value;
            return this;
        }

        /** Run on the host's Vert.x instead of a private one; closing the server then leaves it running. */
        public Builder vertx(Vertx value) {
            vertx = Objects.requireNonNull(value);
            return this;
        }

        /**
         * Opens the stores and security on the given Vert.x and assembles the routes, for a host to mount under a prefix
         * of its own router; the host closes the result when it stops. The HTTP server's settings (host, port, TLS,
         * connection limits, event loops) are the host's own and are not used.
         */
        public Future<AnomalyRouter> router(Vertx on) {
            try {
                new CredentialPool(credentialThreads, credentialQueue);
                Security.load(security);
            } catch (IllegalArgumentException e) {
                // Bad realm files stop the start before anything is opened.
                return Future.failedFuture(e);
            }
            DiskWatermark watermark = new DiskWatermark(freeSpace != null ? freeSpace : DiskWatermark.of(dataDirectory),
                    floodStageFreeBytes, compatibility.floodStageDocsLink());
            // Taken before the stores open, so that their handles join a pool of this size.
            WorkerExecutor pool = StorePool.join(on, storeThreads);
            Function<Vertx, Future<ResultsStore>> results = resultsStore != null ? resultsStore
                    : v -> LuceneResultsStore.open(v, resultsDirectory(dataDirectory), refreshIntervalMillis)
                            .map(watermark::guard);
            Function<Vertx, Future<SecurityStore>> objectsStore = securityStore != null ? securityStore
                    : v -> LuceneSecurityStore.open(v, securityDirectory(dataDirectory)).map(watermark::guard);
            Future<AnomalyRouter> opened = results.apply(on).compose(store -> objectsStore.apply(on)
                    .recover(failure -> store.close().transform(ignored -> Future.failedFuture(failure)))
                    .compose(objects -> NativeRealm.load(objects)
                            .compose(realm -> ApiKeys.load(objects, clock::millis)
                                    .map(keys -> Security.load(this.security, realm, keys)))
                            .compose(loaded -> {
                                // Read before the preloads write, so they meet the flood stage too.
                                List<Long> timers = new ArrayList<>();
                                if (resultsStore == null || securityStore == null) {
                                    timers.add(watermark.watch(on, pool, diskCheckInterval));
                                }
                                return preload(store).map(ignored -> assemble(on, pool, store, objects, loaded, timers))
                                        .onFailure(failure -> timers.forEach(on::cancelTimer));
                            })
                            .recover(failure -> Future.join(store.close(), objects.close())
                                    .transform(ignored -> Future.failedFuture(failure)))));
            return opened.recover(failure -> pool.close().transform(ignored -> Future.failedFuture(failure)));
        }

        /** @param timers the periodic tasks already started, cancelled when the router closes */
        private AnomalyRouter assemble(Vertx on, WorkerExecutor pool, ResultsStore store, SecurityStore objects,
                                       Security loaded, List<Long> timers) {
            CredentialPool credentials = new CredentialPool(credentialThreads, credentialQueue);
            credentials.bind(on);
            Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();
            checks.put("results_store", store::jobs);
            checks.put("security_store", () -> objects.objects(NativeRealm.USERS));
            checks.put("realm_files", () -> loaded.realmFilesCurrent() ? Future.succeededFuture()
                    : Future.failedFuture("realm files unreadable"));
            Router router = AnomalyRoutes.create(on, store, loaded, clock, maxBodyBytes, maxInFlightBodyBytes, compatibility,
                    credentials, endpoints, new HealthCheck(checks),
                    new LoginThrottle(loginThrottleAttempts, loginThrottleWindow), pool);
            timers.add(on.setPeriodic(REALM_RELOAD_MILLIS, id -> pool.executeBlocking(() -> {
                loaded.reloadIfChanged();
                return null;
            }, false)));
            return new AnomalyRouter(on, router, store, objects, credentials, pool, timers);
        }

        /**
         * Opens the stores and serves them: {@link #eventLoops(int)} instances of {@link AnomalyVerticle}, all on the
         * configured host and port, over one {@link AnomalyRouter}.
         */
        public Future<AnomalyServer> start() {
            boolean owns = vertx == null;
            Vertx runtime = owns ? Vertx.vertx() : vertx;
            Future<AnomalyServer> started = router(runtime).compose(opened -> {
                Listener listener = listener(opened);
                return runtime.deployVerticle(() -> new AnomalyVerticle(listener),
                                new DeploymentOptions().setInstances(eventLoops))
                        .map(deployment -> new AnomalyServer(runtime, owns, deployment, listener))
                        .recover(failure -> opened.close().transform(ignored -> Future.failedFuture(failure)));
            });
            if (!owns) {
                return started;
            }
            // Reported through a promise of the caller's context: once the private Vert.x is closed, futures bound to
            // its event loops can no longer deliver their outcome.
            Promise<AnomalyServer> outcome = Promise.promise();
            started.onComplete(result -> {
                if (result.failed()) {
                    outcome.fail(result.cause());
                    runtime.close();
                } else {
                    outcome.complete(result.result());
                }
            });
            return outcome.future();
        }

        private Future<Void> preload(ResultsStore store) {
            Future<Void> chain = demo ? Fixtures.loadDemo(store, clock.millis(), compatibility.mlConfigVersion()).mapEmpty() : Future.succeededFuture();
            for (Path file : preloads) {
                chain = chain.compose(ignored -> Fixtures.loadFile(store, file)).compose(report -> report.failed() == 0
                        ? Future.succeededFuture()
                        : Future.failedFuture(new IllegalArgumentException("--load " + file + ": " + report.summary())));
            }
            return chain;
        }

        /** The HTTP side, shared by every instance that serves this router. */
        Listener listener(AnomalyRouter opened) {
            HttpServerOptions options = new HttpServerOptions().setHost(host).setPort(port)
                    .setMaxInitialLineLength(16 * 1024).setMaxHeaderSize(16 * 1024).setCompressionSupported(true)
                    .setDecompressionSupported(true)
                    // Elasticsearch speaks HTTP/1.1 only; without h2c detection a connection is set up (and its limits
                    // start) as soon as it is accepted, not when its first bytes arrive.
                    .setHttp2ClearTextEnabled(false)
                    .setIdleTimeout((int) Math.max(1, idleTimeout.toSeconds())).setIdleTimeoutUnit(TimeUnit.SECONDS);
            if (tlsCertificate != null) {
                options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions().setCertPath(tlsCertificate.toString())
                        .setKeyPath(tlsKey.toString()));
            }
            return new Listener(opened, options, new ConnectionLimits(opened.vertx(), maxConnections, headerTimeout));
        }
    }
}
