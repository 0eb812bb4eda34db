package io.anomalykit.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Map;

/**
 * The one place answers are written: JSON with Elasticsearch's global parameters applied ({@code filter_path},
 * {@code pretty}), the product header on everything but 401 and 403, and every failure as an Elasticsearch error body.
 */
final class Responses {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter COMPACT = JSON.writer();
    /** Elasticsearch's pretty printing: two-space indent, {@code " : "}, arrays one element per line. */
    private static final ObjectWriter PRETTY = JSON.writer(new DefaultPrettyPrinter()
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE));
    private static final System.Logger LOG = System.getLogger(Responses.class.getName());

    private Responses() {
    }

    /**
     * How a body is written for one request ({@code filter_path}, {@code pretty}, the format), read on the event loop so
     * that encoding a large body can run on a worker thread.
     */
    record Encoding(String filterPath, boolean pretty, XContentFormat format) {

        /** Whether a body is written as it is: compact, unfiltered JSON. */
        boolean verbatim() {
            return filterPath == null && !pretty && format == XContentFormat.JSON;
        }

        static Encoding of(RoutingContext rc) {
            return new Encoding(GlobalParams.ignored(rc) ? null : rc.request().getParam("filter_path"), isPretty(rc),
                    XContentFormat.forResponse(rc));
        }

        /** Errors are never filtered ({@code AbstractRestChannel.newErrorBuilder}), but are pretty-printed. */
        static Encoding ofError(RoutingContext rc) {
            return new Encoding(null, isPretty(rc), XContentFormat.forResponse(rc));
        }

        Buffer encode(JsonNode body) {
            JsonNode filtered = FilterPath.apply(filterPath, body);
            if (format != XContentFormat.JSON) {
                // Pretty printing is JSON's alone: Elasticsearch's YAML, CBOR and Smile generators ignore it.
                return Buffer.buffer(format.write(filtered));
            }
            Buffer bytes;
            try {
                bytes = Buffer.buffer(pretty ? PRETTY.writeValueAsBytes(filtered) : COMPACT.writeValueAsBytes(filtered));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a JSON tree always serialises", e);
            }
            return pretty ? bytes.appendString("\n") : bytes;
        }
    }

    static void json(RoutingContext rc, int status, JsonNode body) {
        Encoding encoding = Encoding.of(rc);
        send(rc, status, encoding, encoding.encode(body));
    }

    /** Sends a body made by {@code encoding}, with Elasticsearch's headers. */
    static void send(RoutingContext rc, int status, Encoding encoding, Buffer bytes) {
        HttpServerResponse response = rc.response().setStatusCode(status);
        echoOpaqueId(rc);
        if (status != 401 && status != 403) {
            response.putHeader("X-elastic-product", "Elasticsearch");
        }
        response.putHeader("content-type", MediaTypes.responseType(encoding.format(),
                rc.request().getHeader("accept"), rc.request().getHeader("content-type")));
        if (rc.request().method() == HttpMethod.HEAD) {
            // DefaultRestChannel sends a HEAD answer without its body but with the body's length.
            response.putHeader("content-length", String.valueOf(bytes.length())).end();
        } else {
            response.end(bytes);
        }
    }

    /** An answer without a body, such as OPTIONS or HEAD. */
    static void empty(RoutingContext rc, int status, Map<String, String> headers) {
        HttpServerResponse response = rc.response().setStatusCode(status);
        echoOpaqueId(rc);
        headers.forEach(response::putHeader);
        response.putHeader("X-elastic-product", "Elasticsearch").end();
    }

    /**
     * {@code DefaultRestChannel.sendResponse}: every answer, errors and 401s included, carries the request's
     * {@code X-Opaque-Id} (its first value).
     */
    private static void echoOpaqueId(RoutingContext rc) {
        String opaque = rc.request().getHeader(GlobalParams.OPAQUE_ID);
        if (opaque != null) {
            rc.response().putHeader(GlobalParams.OPAQUE_ID, opaque);
        }
    }

    static void error(RoutingContext rc, Throwable failure) {
        if (rc.response().ended()) {
            return;
        }
        EsException error;
        if (failure instanceof EsException es) {
            error = es;
        } else {
            LOG.log(System.Logger.Level.ERROR, "unexpected failure on " + rc.request().method() + " " + RequestContext.path(rc),
                    failure);
            error = EsException.of(500, "exception", "internal error; the server log has the details");
        }
        error.headers().forEach((name, values) -> values.forEach(value -> rc.response().headers().add(name, value)));
        if (error.status() == 401 || error.status() == 403) {
            // Elasticsearch strips deprecation warnings from authentication and authorization failures.
            rc.response().headers().remove("Warning");
        }
        Encoding encoding = Encoding.ofError(rc);
        send(rc, error.status(), encoding, encoding.encode(body(error, isErrorTrace(rc) && error.status() != 401,
                NodeIdentity.of(rc).id())));
    }

    static ObjectNode body(EsException error, boolean withTrace) {
        return body(error, withTrace, NodeIdentity.UNNAMED.id());
    }

    /** @param nodeId the node a shard failure names */
    static ObjectNode body(EsException error, boolean withTrace, String nodeId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        switch (error.shape()) {
            case STRING -> {
                body.put("error", error.reason());
                body.put("status", error.status());
            }
            case STRING_WITHOUT_STATUS -> body.put("error", error.reason());
            case OBJECT -> {
                ObjectNode cause = body.putObject("error");
                ArrayNode roots = cause.putArray("root_cause");
                // Root causes are written without their causes but with everything else, stack traces included.
                error.rootCauses().forEach(root -> roots.add(causeObject(root, false, withTrace, nodeId)));
                cause.setAll(causeObject(error, true, withTrace, nodeId));
                body.put("status", error.status());
            }
        }
        return body;
    }

    /** {@code ElasticsearchException.innerToXContent}: type, reason, metadata, caused_by, header, stack_trace. */
    private static ObjectNode causeObject(EsException error, boolean withCauses, boolean withTrace, String nodeId) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("type", error.type());
        out.put("reason", error.reason());
        error.metadata().forEach((key, value) -> out.set(key, value instanceof List<?> list && !list.isEmpty()
                && list.get(0) instanceof EsException.ShardFailure ? shardFailures(list, withTrace, nodeId)
                : JSON.valueToTree(value)));
        if (withCauses && error.causedBy() != null) {
            out.set("caused_by", causeObject(error.causedBy(), true, withTrace, nodeId));
        }
        if (!error.headers().isEmpty()) {
            ObjectNode header = out.putObject("header");
            error.headers().forEach((name, values) -> header.set(name,
                    values.size() == 1 ? JSON.valueToTree(values.get(0)) : JSON.valueToTree(values)));
        }
        if (withTrace) {
            // The kind and message only: the server's own stack frames are never sent to a client.
            out.put("stack_trace", "ElasticsearchException[" + error.type() + ": " + error.reason() + "]");
        }
        return out;
    }

    /** {@code ShardSearchFailure.toXContent}: shard, index, node, and the failure with its causes. */
    private static ArrayNode shardFailures(List<?> failures, boolean withTrace, String nodeId) {
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (Object item : failures) {
            EsException.ShardFailure failure = (EsException.ShardFailure) item;
            ObjectNode shard = out.addObject();
            shard.put("shard", failure.shard());
            shard.put("index", failure.index());
            shard.put("node", nodeId);
            shard.set("reason", causeObject(failure.reason(), true, withTrace, nodeId));
        }
        return out;
    }

    private static boolean isPretty(RoutingContext rc) {
        return !GlobalParams.ignored(rc) && GlobalParams.flag(rc, "pretty");
    }

    static boolean isHuman(RoutingContext rc) {
        return !GlobalParams.ignored(rc) && GlobalParams.flag(rc, "human");
    }

    private static boolean isErrorTrace(RoutingContext rc) {
        return !GlobalParams.ignored(rc) && GlobalParams.flag(rc, "error_trace");
    }
}
