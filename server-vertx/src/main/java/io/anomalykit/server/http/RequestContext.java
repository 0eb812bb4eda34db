package io.anomalykit.server.http;

import io.anomalykit.server.query.RestParams;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reading a request the same way for every endpoint: its query parameters and its body bytes. */
final class RequestContext {

    private RequestContext() {
    }

    static RestParams params(RoutingContext rc) {
        Map<String, String> values = new LinkedHashMap<>();
        // The last value of a repeated parameter wins, as in Elasticsearch.
        rc.queryParams().forEach(entry -> values.put(entry.getKey(), entry.getValue()));
        return new RestParams(rc.request().path(), values);
    }

    /** The body, or an empty array when there is none. */
    static byte[] body(RoutingContext rc) {
        Buffer buffer = rc.body() == null ? null : rc.body().buffer();
        return buffer == null ? new byte[0] : buffer.getBytes();
    }
}
