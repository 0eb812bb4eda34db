package io.anomalykit.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.anomalykit.conformance.check.BodyFormats;
import io.anomalykit.conformance.service.TargetClient;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One answer as the comparison sees it: the status, the headers clients depend on, and the body as a tree (JSON, YAML,
 * CBOR and Smile alike; text that is none of them as a string; null for no body).
 */
record Answer(int status, Map<String, String> headers, JsonNode body) {

    /** The headers clients read: the media type, deprecation warnings, the product check, and how to authenticate. */
    static final List<String> CLIENT_HEADERS = List.of("content-type", "warning", "x-elastic-product",
            "www-authenticate", "allow");
    private static final ObjectMapper JSON = new ObjectMapper();

    Answer {
        headers = Map.copyOf(headers);
    }

    static Answer of(TargetClient.Reply reply) {
        Map<String, String> headers = new TreeMap<>();
        for (String name : CLIENT_HEADERS) {
            List<String> values = reply.headers().allValues(name);
            if (!values.isEmpty()) {
                headers.put(name, String.join(", ", values));
            }
        }
        JsonNode body = null;
        if (reply.bytes().length > 0) {
            try {
                body = BodyFormats.decode(reply.header("Content-Type"), reply.bytes());
            } catch (IOException e) {
                body = TextNode.valueOf(reply.body());
            }
        }
        return new Answer(reply.status(), headers, body);
    }

    /** The answer as a golden set and the reports write it. */
    ObjectNode toJson() {
        ObjectNode json = JSON.createObjectNode().put("status", status);
        json.set("headers", JSON.valueToTree(headers));
        if (body != null) {
            json.set("body", body);
        }
        return json;
    }

    static Answer fromJson(JsonNode json) {
        Map<String, String> headers = new TreeMap<>();
        json.path("headers").properties().forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
        JsonNode body = json.get("body");
        return new Answer(json.path("status").asInt(), headers, body);
    }

    /** The answer for people: the status, the headers, the body pretty-printed. */
    String display() {
        StringBuilder text = new StringBuilder("HTTP ").append(status).append('\n');
        headers.forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
        if (body != null) {
            try {
                text.append('\n').append(body.isTextual() ? body.asText()
                        : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body));
            } catch (IOException e) {
                text.append('\n').append(body);
            }
        }
        return text.toString();
    }
}
