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
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

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
            return new Encoding(rc.request().getParam("filter_path"), isPretty(rc), XContentFormat.forResponse(rc));
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
        send(rc, status, Encoding.of(rc).encode(body));
    }

    /** Sends a body made by {@link Encoding#encode}, with Elasticsearch's headers. */
    static void send(RoutingContext rc, int status, Buffer bytes) {
        HttpServerResponse response = rc.response().setStatusCode(status);
        if (status != 401 && status != 403) {
            response.putHeader("X-elastic-product", "Elasticsearch");
        }
        response.putHeader("content-type", MediaTypes.responseType(XContentFormat.forResponse(rc),
                rc.request().getHeader("accept"), rc.request().getHeader("content-type")));
        response.end(bytes);
    }

    /** An answer without a body, such as OPTIONS or HEAD. */
    static void empty(RoutingContext rc, int status, Map<String, String> headers) {
        HttpServerResponse response = rc.response().setStatusCode(status);
        headers.forEach(response::putHeader);
        response.putHeader("X-elastic-product", "Elasticsearch").end();
    }

    static void error(RoutingContext rc, Throwable failure) {
        if (rc.response().ended()) {
            return;
        }
        EsException error;
        if (failure instanceof EsException es) {
            error = es;
        } else {
            LOG.log(System.Logger.Level.ERROR, "unexpected failure on " + rc.request().method() + " " + rc.request().path(),
                    failure);
            error = EsException.of(500, "exception", "internal error; the server log has the details");
        }
        error.headers().forEach((name, values) -> values.forEach(value -> rc.response().headers().add(name, value)));
        if (error.status() == 401 || error.status() == 403) {
            // Elasticsearch strips deprecation warnings from authentication and authorization failures.
            rc.response().headers().remove("Warning");
        }
        json(rc, error.status(), body(error, isErrorTrace(rc) && error.status() != 401));
    }

    static ObjectNode body(EsException error, boolean withTrace) {
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
                error.rootCauses().forEach(root -> roots.add(causeObject(root, false, false)));
                cause.setAll(causeObject(error, true, withTrace));
                body.put("status", error.status());
            }
        }
        return body;
    }

    private static ObjectNode causeObject(EsException error, boolean withCauses, boolean withTrace) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("type", error.type());
        out.put("reason", error.reason());
        error.metadata().forEach((key, value) -> out.set(key, JSON.valueToTree(value)));
        if (withCauses && error.causedBy() != null) {
            out.set("caused_by", causeObject(error.causedBy(), true, false));
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

    private static boolean isPretty(RoutingContext rc) {
        String pretty = rc.request().getParam("pretty");
        return pretty != null && !pretty.equals("false");
    }

    static boolean isHuman(RoutingContext rc) {
        String human = rc.request().getParam("human");
        return human != null && !human.equals("false");
    }

    private static boolean isErrorTrace(RoutingContext rc) {
        String trace = rc.request().getParam("error_trace");
        return trace != null && !trace.equals("false");
    }
}
