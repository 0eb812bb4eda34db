package io.anomalykit.server.http;

import io.anomalykit.server.error.EsException;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What keeps a client from holding the server: a cap on open connections, a deadline for each request's line and
 * headers, and a bound on the request bodies held in memory at once (Elasticsearch's in-flight requests breaker).
 * Vert.x calls {@link #connected} for each new connection and the server's request handler calls {@link #admit} for
 * each request, both on the connection's event loop.
 */
public final class ConnectionLimits {

    /** Elasticsearch's name for the breaker, since 8.0 ({@code CircuitBreaker.IN_FLIGHT_REQUESTS}). */
    static final String BREAKER = "inflight_requests";
    /**
     * Elasticsearch's default {@code network.breaker.inflight_requests.overhead}: the bytes held are counted twice, for
     * the structures a body becomes ({@code ChildMemoryCircuitBreaker} compares and reports the bytes times it).
     */
    static final double OVERHEAD = 2.0;

    private final Vertx vertx;
    private final int maxConnections;
    private final long headerTimeoutMillis;
    private final long maxInFlightBodyBytes;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final Map<HttpConnection, Connection> connections = new ConcurrentHashMap<>();

    /** One connection: the timer waiting for a request's headers, and how many of its requests are unanswered. */
    private static final class Connection {
        long headerTimer = -1;
        int unanswered;
    }

    /**
     * @param maxConnections       open connections allowed; the next one is closed as soon as it is accepted
     * @param headerTimeout        how long a connection may take to send a request's line and headers, from its opening
     *                             or from the end of its previous answer
     * @param maxInFlightBodyBytes request body bytes held at once, over all requests
     */
    public ConnectionLimits(Vertx vertx, int maxConnections, Duration headerTimeout, long maxInFlightBodyBytes) {
        this.vertx = vertx;
        this.maxConnections = maxConnections;
        this.headerTimeoutMillis = Math.max(1, headerTimeout.toMillis());
        this.maxInFlightBodyBytes = maxInFlightBodyBytes;
    }

    /** The request body bytes held now. */
    public long inFlightBodyBytes() {
        return bodyBytes.get();
    }

    /** A new connection: closed at once beyond the cap, else given the header deadline. */
    public void connected(HttpConnection connection) {
        if (open.incrementAndGet() > maxConnections) {
            open.decrementAndGet();
            connection.close();
            return;
        }
        Connection state = new Connection();
        connections.put(connection, state);
        connection.closeHandler(ignored -> {
            open.decrementAndGet();
            Connection gone = connections.remove(connection);
            if (gone != null && gone.headerTimer >= 0) {
                vertx.cancelTimer(gone.headerTimer);
            }
        });
        awaitHeaders(connection, state);
    }

    private void awaitHeaders(HttpConnection connection, Connection state) {
        state.headerTimer = vertx.setTimer(headerTimeoutMillis, id -> {
            state.headerTimer = -1;
            if (state.unanswered == 0) {
                connection.close();
            }
        });
    }

    /** What {@link #admit} decided: the request to route, or the error to answer instead. */
    public record Admission(HttpServerRequest request, EsException refused) {
    }

    /**
     * A request whose headers have arrived: stops its connection's header deadline and reserves its declared body in
     * the in-flight breaker. A body without a {@code Content-Length} (chunked) is counted as its chunks arrive, through
     * the request to route; past the limit its further chunks are dropped and it is answered 429 when it ends.
     *
     * @param onAnswered run once when its answer has been sent or its connection closed
     */
    public Admission admit(HttpServerRequest request, Runnable onAnswered) {
        HttpConnection connection = request.connection();
        Connection state = connection == null ? null : connections.get(connection);
        if (state != null) {
            if (state.headerTimer >= 0) {
                vertx.cancelTimer(state.headerTimer);
                state.headerTimer = -1;
            }
            state.unanswered++;
        }
        long declared = declaredLength(request);
        long wanted = bodyBytes.addAndGet(declared);
        AtomicLong held = new AtomicLong(declared);
        boolean[] released = {false};
        Runnable answered = () -> {
            if (!released[0]) {
                released[0] = true;
                bodyBytes.addAndGet(-held.getAndSet(0));
                if (state != null && --state.unanswered == 0 && connections.containsKey(connection)
                        && state.headerTimer < 0) {
                    awaitHeaders(connection, state);
                }
                onAnswered.run();
            }
        };
        request.response().endHandler(ignored -> answered.run());
        request.response().closeHandler(ignored -> answered.run());
        if (declared > 0 && withOverhead(wanted) > maxInFlightBodyBytes) {
            return new Admission(request, tooLarge(withOverhead(wanted), maxInFlightBodyBytes));
        }
        if (declared > 0 || !(request instanceof HttpServerRequestInternal internal)) {
            return new Admission(request, null);
        }
        return new Admission(new CountedBody(internal, held), null);
    }

    private static long withOverhead(long bytes) {
        return (long) (bytes * OVERHEAD);
    }

    /**
     * A body of unknown length, counted in the breaker chunk by chunk on its way to the body reader. Once a chunk would
     * pass the limit, the body is refused: it is read to its end and dropped, and answered 429 then.
     */
    private final class CountedBody extends HttpServerRequestWrapper {
        private final AtomicLong held;
        private EsException refused;
        private Handler<Void> downstreamEnd;

        CountedBody(HttpServerRequestInternal request, AtomicLong held) {
            super(request);
            this.held = held;
            delegate.endHandler(ignored -> {
                if (refused != null) {
                    // Unless it was answered meanwhile (a failed authentication, the body size limit).
                    if (!delegate.response().ended()) {
                        AnomalyRoutes.reject(delegate, refused);
                    }
                } else if (downstreamEnd != null) {
                    downstreamEnd.handle(null);
                }
            });
        }

        @Override
        public HttpServerRequest handler(Handler<Buffer> handler) {
            delegate.handler(handler == null ? null : chunk -> {
                if (refused != null) {
                    return;
                }
                long wanted = bodyBytes.addAndGet(chunk.length());
                held.addAndGet(chunk.length());
                if (withOverhead(wanted) > maxInFlightBodyBytes) {
                    refused = tooLarge(withOverhead(wanted), maxInFlightBodyBytes);
                    bodyBytes.addAndGet(-held.getAndSet(0));
                } else {
                    handler.handle(chunk);
                }
            });
            return this;
        }

        @Override
        public HttpServerRequest endHandler(Handler<Void> handler) {
            downstreamEnd = handler;
            return this;
        }
    }

    private static long declaredLength(HttpServerRequest request) {
        String length = request.getHeader("content-length");
        if (length == null || !length.matches("\\d{1,18}")) {
            return 0;
        }
        return Long.parseLong(length);
    }

    /**
     * Elasticsearch's {@code ChildMemoryCircuitBreaker.circuitBreak}: {@code [inflight_requests] Data too large, data for
     * [<http_request>] would be [<bytes>/<size>], which is larger than the limit of [<bytes>/<size>]}, a 429
     * {@code circuit_breaking_exception} with {@code bytes_wanted}, {@code bytes_limit} and {@code durability}.
     */
    static EsException tooLarge(long wanted, long limit) {
        return EsException.of(429, "circuit_breaking_exception", "[" + BREAKER + "] Data too large, data for "
                        + "[<http_request>] would be [" + wanted + "/" + byteSize(wanted) + "], which is larger than the limit of ["
                        + limit + "/" + byteSize(limit) + "]")
                .withMetadata("bytes_wanted", wanted)
                .withMetadata("bytes_limit", limit)
                .withMetadata("durability", "TRANSIENT");
    }

    /** Elasticsearch's {@code ByteSizeValue.toString}: the largest unit it reaches, one decimal cut (not rounded) off. */
    static String byteSize(long bytes) {
        String[] units = {"b", "kb", "mb", "gb", "tb", "pb"};
        double value = bytes;
        int unit = 0;
        while (unit < units.length - 1 && bytes >= 1L << (10 * (unit + 1))) {
            unit++;
        }
        value = value / (1L << (10 * unit));
        String text = String.valueOf(value);
        int dot = text.indexOf('.');
        int exponent = text.indexOf('E');
        char fraction = text.charAt(dot + 1);
        String whole = text.substring(0, dot);
        String tail = exponent >= 0 ? text.substring(exponent) : "";
        return (fraction == '0' ? whole : whole + "." + fraction) + tail + units[unit];
    }
}
