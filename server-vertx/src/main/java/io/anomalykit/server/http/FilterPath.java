package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Elasticsearch's {@code filter_path}: comma-separated dotted paths whose segments may use {@code *}, with {@code **}
 * for any depth; arrays are transparent; a leading {@code -} excludes. What no include matches is dropped, and an
 * answer with nothing left is {@code {}}.
 */
final class FilterPath {

    private final List<List<String>> includes = new ArrayList<>();
    private final List<List<String>> excludes = new ArrayList<>();

    private FilterPath(String expression) {
        for (String raw : expression.split(",")) {
            String path = raw.trim();
            if (path.isEmpty()) {
                continue;
            }
            if (path.startsWith("-")) {
                excludes.add(segments(path.substring(1)));
            } else {
                includes.add(segments(path));
            }
        }
    }

    static JsonNode apply(String expression, JsonNode body) {
        if (expression == null || expression.isBlank()) {
            return body;
        }
        FilterPath filter = new FilterPath(expression);
        JsonNode result = body;
        if (!filter.includes.isEmpty()) {
            result = filter.include(body, filter.includes);
        }
        if (result != null && !filter.excludes.isEmpty()) {
            result = filter.exclude(result, filter.excludes);
        }
        return result == null ? JsonNodeFactory.instance.objectNode() : result;
    }

    private static List<String> segments(String path) {
        return Arrays.asList(path.split("\\."));
    }

    /** The part of the node the patterns keep, or null for nothing. */
    private JsonNode include(JsonNode node, List<List<String>> patterns) {
        if (patterns.stream().anyMatch(List::isEmpty)) {
            return node;
        }
        if (node.isArray()) {
            ArrayNode kept = JsonNodeFactory.instance.arrayNode();
            for (JsonNode element : node) {
                JsonNode value = include(element, patterns);
                if (value != null) {
                    kept.add(value);
                }
            }
            return kept.isEmpty() ? null : kept;
        }
        if (!node.isObject()) {
            return null;
        }
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            List<List<String>> next = advance(patterns, field.getKey());
            if (!next.isEmpty()) {
                JsonNode value = include(field.getValue(), next);
                if (value != null) {
                    kept.set(field.getKey(), value);
                }
            }
        }
        return kept.isEmpty() ? null : kept;
    }

    private JsonNode exclude(JsonNode node, List<List<String>> patterns) {
        if (node.isArray()) {
            ArrayNode kept = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> kept.add(exclude(element, patterns)));
            return kept;
        }
        if (!node.isObject()) {
            return node;
        }
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            List<List<String>> next = advance(patterns, field.getKey());
            if (next.stream().anyMatch(List::isEmpty)) {
                continue;
            }
            kept.set(field.getKey(), next.isEmpty() ? field.getValue() : exclude(field.getValue(), next));
        }
        return kept;
    }

    /** The remaining patterns after matching one field name. */
    private static List<List<String>> advance(List<List<String>> patterns, String name) {
        List<List<String>> next = new ArrayList<>();
        for (List<String> pattern : patterns) {
            String head = pattern.get(0);
            if (head.equals("**")) {
                next.add(pattern);
                if (pattern.size() == 1) {
                    next.add(List.of());
                } else if (glob(pattern.get(1), name)) {
                    next.add(pattern.subList(2, pattern.size()));
                }
            } else if (glob(head, name)) {
                next.add(pattern.subList(1, pattern.size()));
            }
        }
        return next;
    }

    private static boolean glob(String pattern, String name) {
        if (!pattern.contains("*")) {
            return pattern.equals(name);
        }
        List<String> quoted = new ArrayList<>();
        for (String part : pattern.split("\\*", -1)) {
            quoted.add(java.util.regex.Pattern.quote(part));
        }
        return name.matches(String.join(".*", quoted));
    }
}
