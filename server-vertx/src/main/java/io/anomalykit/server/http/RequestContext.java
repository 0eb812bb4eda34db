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

    /**
     * The body as JSON, or an empty array when there is none: a YAML, CBOR or Smile body (by its Content-Type) is read
     * and given as JSON, so that every parser reads one format.
     */
    static byte[] body(RoutingContext rc) {
        return bodyFormat(rc).toJson(rawBody(rc));
    }

    /** A bulk body as NDJSON: JSON lines as they are, Smile documents as JSON lines; other formats are refused (406). */
    static byte[] bulkBody(RoutingContext rc) {
        return bodyFormat(rc).bulkToNdjson(rawBody(rc), rc.request().getHeader("content-type"));
    }

    private static XContentFormat bodyFormat(RoutingContext rc) {
        XContentFormat format = XContentFormat.ofMediaType(rc.request().getHeader("content-type"));
        return format == null ? XContentFormat.JSON : format;
    }

    private static byte[] rawBody(RoutingContext rc) {
        Buffer buffer = rc.body() == null ? null : rc.body().buffer();
        return buffer == null ? new byte[0] : buffer.getBytes();
    }
}
