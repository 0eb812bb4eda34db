package io.anomalykit.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Compares a target's answer with the reference's after normalising both, so that what legitimately differs between
 * two correct implementations — or two runs of one — does not count: generated ids, times, build hashes, node and
 * cluster names, the last digits of a floating-point number, and the order of arrays whose order Elasticsearch does
 * not define. docs/conformance.md lists each rule and why.
 */
final class Comparison {

    /** Fields whose value is made by the server at the moment (times, counters, ids, build facts), whatever the data. */
    static final Set<String> VOLATILE_FIELDS = Set.of("took", "create_time", "finished_time", "_seq_no", "_primary_term",
            "cluster_uuid", "cluster_name", "build_hash", "build_date", "encoded", "api_key", "expiration", "node",
            "index_uuid");
    /**
     * Arrays Elasticsearch returns in a defined order: the results pages (sorted by their sort parameter, then the
     * tie-breakers), the jobs (by id) and an error's causes. Every other array is compared as a multiset.
     */
    static final Set<String> ORDERED_ARRAYS = Set.of("records", "influencers", "buckets", "categories",
            "overall_buckets", "model_snapshots", "jobs", "root_cause", "items");
    /** Numbers this close, relative to the larger, are the same: float and double renderings of one stored value. */
    static final double RELATIVE_TOLERANCE = 1e-6;
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** The agent of a Warning header, {@code Elasticsearch-8.19.2-<build hash>}: the version and build are the server's. */
    private static final Pattern WARNING_AGENT = Pattern.compile("Elasticsearch-[^ ]+");
    /** The date Elasticsearch may append to a Warning header's text. */
    private static final Pattern WARNING_DATE = Pattern.compile(" \"[A-Z][a-z]{2}, [^\"]*\"$");
    private static final String NORMALISED = "<normalised>";

    private Comparison() {
    }

    /** Every difference between the two answers, after normalisation; empty when they agree. */
    static List<Divergence> compare(Answer reference, Answer target) {
        List<Divergence> divergences = new ArrayList<>();
        if (reference.status() != target.status()) {
            divergences.add(new Divergence("status " + reference.status() + " -> " + target.status(), "(status)",
                    String.valueOf(reference.status()), String.valueOf(target.status())));
        }
        for (String name : Answer.CLIENT_HEADERS) {
            String expected = header(name, reference.headers().get(name));
            String actual = header(name, target.headers().get(name));
            if (!Objects.equals(expected, actual)) {
                divergences.add(new Divergence("header " + name + (expected == null ? " extra" : actual == null
                        ? " missing" : " differs"), "(header " + name + ")", String.valueOf(expected), String.valueOf(actual)));
            }
        }
        JsonNode expected = normalise(reference.body());
        JsonNode actual = normalise(target.body());
        JsonNode expectedType = at(expected, "/error/type");
        JsonNode actualType = at(actual, "/error/type");
        if (!Objects.equals(expectedType, actualType)) {
            divergences.add(new Divergence("error.type " + raw(expectedType) + " -> " + raw(actualType), "/error/type",
                    text(expectedType), text(actualType)));
        } else if (!Objects.equals(at(expected, "/error/reason"), at(actual, "/error/reason"))) {
            divergences.add(new Divergence("error.reason differs for " + raw(expectedType), "/error/reason",
                    text(at(expected, "/error/reason")), text(at(actual, "/error/reason"))));
        }
        // The error's type and reason are compared above, and its root cause repeats them.
        compare("", withoutErrorSummary(expected), withoutErrorSummary(actual), divergences);
        return divergences;
    }

    private static String header(String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (name) {
            case "content-type" -> value.toLowerCase(Locale.ROOT).replace(" ", "");
            case "warning" -> WARNING_DATE.matcher(WARNING_AGENT.matcher(value).replaceAll("Elasticsearch-<version>"))
                    .replaceAll("");
            case "allow" -> String.join(",", new TreeSet<>(List.of(value.replace(" ", "").split(","))));
            default -> value;
        };
    }

    /** The body with every value that legitimately differs replaced by one marker. */
    static JsonNode normalise(JsonNode body) {
        if (body == null) {
            return null;
        }
        JsonNode copy = body.deepCopy();
        normaliseNode(copy, copy.has("tagline"));
        return copy;
    }

    /**
     * @param mainAnswer whether the node is {@code GET /}'s answer, whose {@code name} is the node's and whose version
     *                   number's patch level is the cluster's own
     */
    private static void normaliseNode(JsonNode node, boolean mainAnswer) {
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            List<String> names = new ArrayList<>();
            fields.forEachRemaining(e -> names.add(e.getKey()));
            for (String name : names) {
                JsonNode value = object.get(name);
                if (VOLATILE_FIELDS.contains(name) || mainAnswer && name.equals("name")) {
                    object.put(name, NORMALISED);
                } else if (value.isTextual() && UUID.matcher(value.asText()).matches()) {
                    object.put(name, "<uuid>");
                } else if (mainAnswer && name.equals("number") && value.isTextual()) {
                    object.put(name, value.asText().replaceFirst("^(\\d+\\.\\d+)\\..*", "$1.x"));
                } else {
                    normaliseNode(value, mainAnswer && name.equals("version"));
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode item = array.get(i);
                if (item.isTextual() && UUID.matcher(item.asText()).matches()) {
                    array.set(i, TextNode.valueOf("<uuid>"));
                } else {
                    normaliseNode(item, false);
                }
            }
        }
    }

    private static JsonNode withoutErrorSummary(JsonNode body) {
        if (body instanceof ObjectNode object && object.path("error").isObject()) {
            ObjectNode copy = object.deepCopy();
            ObjectNode copiedError = (ObjectNode) copy.get("error");
            copiedError.remove(List.of("type", "reason", "root_cause"));
            return copy;
        }
        return body;
    }

    private static void compare(String path, JsonNode expected, JsonNode actual, List<Divergence> out) {
        String cause = path.replaceAll("/\\d+(?=/|$)", "/[]");
        if (expected == null || actual == null) {
            if (expected != actual) {
                out.add(new Divergence(expected == null ? "extra body" : "missing body", path.isEmpty() ? "/" : path,
                        text(expected), text(actual)));
            }
            return;
        }
        if (expected.isObject() && actual.isObject()) {
            Set<String> names = new TreeSet<>();
            expected.fieldNames().forEachRemaining(names::add);
            actual.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String child = path + "/" + name.replace("~", "~0").replace("/", "~1");
                if (!expected.has(name)) {
                    out.add(new Divergence("extra field " + cause + "/" + name, child, "(absent)", text(actual.get(name))));
                } else if (!actual.has(name)) {
                    out.add(new Divergence("missing field " + cause + "/" + name, child, text(expected.get(name)), "(absent)"));
                } else {
                    compare(child, expected.get(name), actual.get(name), out);
                }
            }
        } else if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                out.add(new Divergence("array length differs at " + cause, path, expected.size() + " items",
                        actual.size() + " items"));
                return;
            }
            String name = path.substring(path.lastIndexOf('/') + 1);
            List<JsonNode> left = items(expected);
            List<JsonNode> right = items(actual);
            if (!ORDERED_ARRAYS.contains(name)) {
                Comparator<JsonNode> canonical = Comparator.comparing(JsonNode::toString);
                left.sort(canonical);
                right.sort(canonical);
            }
            for (int i = 0; i < left.size(); i++) {
                compare(path + "/" + i, left.get(i), right.get(i), out);
            }
        } else if (expected.isNumber() && actual.isNumber()) {
            double a = expected.asDouble();
            double b = actual.asDouble();
            if (Math.abs(a - b) > RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b))) {
                out.add(new Divergence("value differs at " + cause, path, expected.toString(), actual.toString()));
            }
        } else if (expected.getNodeType() != actual.getNodeType()) {
            out.add(new Divergence("type differs at " + cause + " (" + type(expected) + " -> " + type(actual) + ")", path,
                    text(expected), text(actual)));
        } else if (!expected.equals(actual)) {
            out.add(new Divergence("value differs at " + cause, path, text(expected), text(actual)));
        }
    }

    private static List<JsonNode> items(JsonNode array) {
        List<JsonNode> items = new ArrayList<>();
        array.forEach(items::add);
        return items;
    }

    private static JsonNode at(JsonNode body, String pointer) {
        JsonNode node = body == null ? null : body.at(pointer);
        return node == null || node.isMissingNode() ? null : node;
    }

    private static String raw(JsonNode node) {
        return node == null ? "(none)" : node.asText();
    }

    private static String type(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String text(JsonNode node) {
        if (node == null) {
            return "(none)";
        }
        String text = node.isTextual() ? "\"" + node.asText() + "\"" : node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
