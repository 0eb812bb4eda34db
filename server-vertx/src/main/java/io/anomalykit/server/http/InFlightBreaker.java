package io.anomalykit.server.http;

import io.anomalykit.server.error.EsException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Elasticsearch's in-flight requests breaker: a bound on the request body bytes held in memory at once, over all
 * requests of a router (and every HTTP server that shares it). A request's declared body is reserved when it is routed
 * and released when it is answered; one that would go beyond the bound is answered 429 before its body is read. A body
 * without a {@code Content-Length} (chunked) is counted as its chunks arrive when the HTTP server hands its request over
 * through {@link #route}; past the limit its further chunks are dropped and it is answered 429 when it ends.
 */
final class InFlightBreaker {

    /** Elasticsearch's name for the breaker, since 8.0 ({@code CircuitBreaker.IN_FLIGHT_REQUESTS}). */
    static final String BREAKER = "inflight_requests";
    /**
     * Elasticsearch's default {@code network.breaker.inflight_requests.overhead}: the bytes held are counted twice, for
     * the structures a body becomes ({@code ChildMemoryCircuitBreaker} compares and reports the bytes times it).
     */
    static final double OVERHEAD = 2.0;

    private final long limit;
    private final AtomicLong bodyBytes = new AtomicLong();
    /**
     * Chunked bodies counted from before routing, until the router's first route takes them over; by their response,
     * the one object Vert.x Web's request wrapper shares with the request handed over.
     */
    private final Map<HttpServerResponse, CountedBody> arriving = new ConcurrentHashMap<>();

    InFlightBreaker(long limit) {
        this.limit = limit;
    }

    /** Reserves the request's declared body until its answer ends; null to go on, else the 429 to answer. */
    EsException admit(RoutingContext rc) {
        CountedBody counted = arriving.remove(rc.response());
        if (counted != null) {
            counted.routed = true;
            rc.addEndHandler(ignored -> counted.release());
            return null;
        }
        long declared = declaredLength(rc.request().getHeader("content-length"));
        if (declared == 0) {
            return null;
        }
        long wanted = bodyBytes.addAndGet(declared);
        rc.addEndHandler(ignored -> bodyBytes.addAndGet(-declared));
        return withOverhead(wanted) > limit ? tooLarge(withOverhead(wanted), limit) : null;
    }

    /**
     * Routes an HTTP server's request; one whose body has no declared length is counted chunk by chunk once the
     * router's first route has taken it over (a request the router refuses before any route, such as a malformed path,
     * is not counted, so nothing is left to release).
     */
    void route(Router router, HttpServerRequest request) {
        if (declaredLength(request.getHeader("content-length")) > 0
                || !(request instanceof HttpServerRequestInternal internal)) {
            router.handle(request);
            return;
        }
        CountedBody counted = new CountedBody(internal);
        arriving.put(request.response(), counted);
        // Vert.x Web runs the first route, if any, within handle.
        router.handle(counted);
        arriving.remove(request.response());
    }

    private static long withOverhead(long bytes) {
        return (long) (bytes * OVERHEAD);
    }

    private static long declaredLength(String length) {
        if (length == null || !length.matches("\\d{1,18}")) {
            return 0;
        }
        return Long.parseLong(length);
    }

    /**
     * A body of unknown length, counted in the breaker chunk by chunk on its way to the body reader. Once a chunk would
     * pass the limit, the body is refused: it is read to its end and dropped, and answered 429 then.
     */
    private final class CountedBody extends HttpServerRequestWrapper {
        private final AtomicLong held = new AtomicLong();
        private boolean routed;
        private EsException refused;
        private Handler<Void> downstreamEnd;

        CountedBody(HttpServerRequestInternal request) {
            super(request);
            delegate.endHandler(ignored -> {
                if (refused != null) {
                    // Unless it was answered meanwhile (a failed authentication, the body size limit).
                    if (!delegate.response().ended()) {
                        AnomalyRoutes.answer(delegate, refused);
                    }
                } else if (downstreamEnd != null) {
                    downstreamEnd.handle(null);
                }
            });
        }

        void release() {
            bodyBytes.addAndGet(-held.getAndSet(0));
        }

        @Override
        public HttpServerRequest handler(Handler<Buffer> handler) {
            delegate.handler(handler == null ? null : chunk -> {
                if (refused != null) {
                    return;
                }
                if (!routed) {
                    handler.handle(chunk);
                    return;
                }
                long wanted = bodyBytes.addAndGet(chunk.length());
                held.addAndGet(chunk.length());
                if (withOverhead(wanted) > limit) {
                    refused = tooLarge(withOverhead(wanted), limit);
                    release();
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
