package io.anomalykit.server.http;

import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.RestParams;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * What Elasticsearch reads of every request before any handler runs, in its order: {@code pretty} and {@code human}
 * when the channel is made ({@code AbstractRestChannel}), then the {@code X-Opaque-Id} header and {@code error_trace}
 * ({@code RestController.tryAllHandlers}). All three parameters are booleans read with
 * {@code RestRequest.paramAsBoolean}: empty means true, anything but {@code true}/{@code false} is an error.
 */
final class GlobalParams {

    static final String OPAQUE_ID = "X-Opaque-Id";
    /** Set on a request whose parameters Elasticsearch would answer without (a bad pretty or human). */
    private static final String IGNORED = "anomalykit.params-ignored";

    private GlobalParams() {
    }

    /**
     * Fails as Elasticsearch does before routing: a bad {@code pretty} or {@code human} is a 400 error object written
     * without any of the request's parameters ({@code AbstractHttpServerTransport} remakes the request without them and
     * dispatches it as a bad request); several {@code X-Opaque-Id} values or a bad {@code error_trace} are 400s in the
     * short form.
     */
    static void check(RoutingContext rc) {
        for (String name : List.of("pretty", "human")) {
            String value = rc.request().getParam(name);
            if (value != null && !value.isEmpty()) {
                try {
                    RestParams.parseBoolean(value);
                } catch (EsException e) {
                    rc.put(IGNORED, Boolean.TRUE);
                    throw e;
                }
            }
        }
        List<String> opaque = rc.request().headers().getAll(OPAQUE_ID);
        if (opaque.stream().distinct().count() > 1) {
            throw EsException.bareString(400, "multiple values for single-valued header [" + OPAQUE_ID + "].");
        }
        String trace = rc.request().getParam("error_trace");
        if (trace != null && !trace.isEmpty()) {
            try {
                RestParams.parseBoolean(trace);
            } catch (EsException e) {
                throw EsException.bareString(400, e.reason());
            }
        }
    }

    /** Whether the answer is written as if the request had no parameters. */
    static boolean ignored(RoutingContext rc) {
        return rc.get(IGNORED) != null;
    }

    /** A global flag's value once {@link #check} has passed: present and empty, or {@code true}. */
    static boolean flag(RoutingContext rc, String name) {
        String value = rc.request().getParam(name);
        return value != null && (value.isEmpty() || value.equals("true"));
    }
}
