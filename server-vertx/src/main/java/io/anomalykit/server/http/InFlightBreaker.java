package io.anomalykit.server.http;

import io.anomalykit.server.error.EsException;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Elasticsearch's in-flight requests breaker: a bound on the request body bytes held in memory at once, over all
 * requests of a router (and every HTTP server that shares it). A request's declared body is reserved when it is routed
 * and released when it is answered; one that would go beyond the bound is answered 429 before its body is read.
 */
final class InFlightBreaker {

    /** Elasticsearch's name for the breaker, since 8.0 ({@code CircuitBreaker.IN_FLIGHT_REQUESTS}). */
    static final String BREAKER = "inflight_requests";

    private final long limit;
    private final AtomicLong bodyBytes = new AtomicLong();

    InFlightBreaker(long limit) {
        this.limit = limit;
    }

    /** Reserves the request's declared body until its answer ends; null to go on, else the 429 to answer. */
    EsException admit(RoutingContext rc) {
        long declared = declaredLength(rc.request().getHeader("content-length"));
        if (declared == 0) {
            return null;
        }
        long wanted = bodyBytes.addAndGet(declared);
        rc.addEndHandler(ignored -> bodyBytes.addAndGet(-declared));
        return wanted > limit ? tooLarge(wanted, limit) : null;
    }

    private static long declaredLength(String length) {
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
