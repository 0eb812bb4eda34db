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
        return new RestParams(path(rc), values);
    }

    /**
     * The request's path as the APIs see it: without the prefix a host mounted them under, so that messages name the
     * path as Elasticsearch would ({@code /_ml/...}, not {@code /es/_ml/...}).
     */
    static String path(RoutingContext rc) {
        return withoutMountPoint(rc, rc.request().path());
    }

    /** The request's URI (path and query string) as the APIs see it: without the host's prefix. */
    static String uri(RoutingContext rc) {
        return withoutMountPoint(rc, rc.request().uri());
    }

    private static String withoutMountPoint(RoutingContext rc, String full) {
        String mount = rc.mountPoint();
        if (mount == null || mount.isEmpty() || mount.equals("/")) {
            return full;
        }
        String prefix = mount.endsWith("/") ? mount.substring(0, mount.length() - 1) : mount;
        if (!full.startsWith(prefix)) {
            return full;
        }
        String rest = full.substring(prefix.length());
        return rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest;
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
        // Paused while the credentials were checked off the event loop.
        rc.request().resume();
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

    /** Whether the request came with a body (however it was read). */
    static boolean hasBody(RoutingContext rc) {
        return rc.get(RAW_BODY) != null ? rc.<Buffer>get(RAW_BODY).length() > 0 : rc.body() != null && rc.body().length() > 0;
    }

    private static XContentFormat bodyFormat(RoutingContext rc) {
        XContentFormat format = XContentFormat.ofMediaType(rc.request().getHeader("content-type"));
        return format == null ? XContentFormat.JSON : format;
    }

    private static byte[] rawBody(RoutingContext rc) {
        Buffer raw = rc.get(RAW_BODY);
        if (raw != null) {
            return raw.getBytes();
        }
        Buffer buffer = rc.body() == null ? null : rc.body().buffer();
        return buffer == null ? new byte[0] : buffer.getBytes();
    }
}
