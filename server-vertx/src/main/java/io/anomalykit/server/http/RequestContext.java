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

    private static final String RAW_BODY = "anomalykit.raw-body";

    /** Reads a body as bytes, undecoded, then goes on; a body over the limit fails with 413. */
    static void readRaw(RoutingContext rc, long maxBodyBytes) {
        String length = rc.request().getHeader("content-length");
        if (length != null && length.matches("\\d{1,18}") && Long.parseLong(length) > maxBodyBytes) {
            rc.fail(413);
            return;
        }
        rc.request().body().onSuccess(buffer -> {
            if (buffer.length() > maxBodyBytes) {
                rc.fail(413);
            } else {
                rc.put(RAW_BODY, buffer);
                rc.next();
            }
        }).onFailure(rc::fail);
    }

    /** The body, or an empty array when there is none. */
    static byte[] body(RoutingContext rc) {
        Buffer raw = rc.get(RAW_BODY);
        if (raw != null) {
            return raw.getBytes();
        }
        Buffer buffer = rc.body() == null ? null : rc.body().buffer();
        return buffer == null ? new byte[0] : buffer.getBytes();
    }
}
