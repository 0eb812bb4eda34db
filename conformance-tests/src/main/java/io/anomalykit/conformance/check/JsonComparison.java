package io.anomalykit.conformance.check;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Compares an answer with Elasticsearch's, field by field. Numbers are equal when their values are ({@code 288} equals
 * {@code 288.0}); an array named in the prefix list only has to start with the expected items (the documents shorten
 * arrays with {@code ...}); objects must have exactly the expected keys, so a dropped dynamic key is a difference.
 */
public final class JsonComparison {

    private JsonComparison() {
    }

    /** Every difference between {@code actual} and {@code expected}; none when they match. */
    public static List<Difference> compare(JsonNode expected, JsonNode actual, List<String> prefixArrays) {
        List<Difference> differences = new ArrayList<>();
        compare(expected, actual, prefixArrays, "", differences);
        return differences;
    }

    /** Whether {@code actual} is {@code expected}, numbers compared by value. */
    public static boolean sameValue(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual != null && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        return compare(expected, actual, List.of()).isEmpty();
    }

    private static void compare(JsonNode expected, JsonNode actual, List<String> prefixes, String path,
                                List<Difference> out) {
        if (actual == null || actual.isMissingNode()) {
            out.add(new Difference(path, describe(expected), "nothing"));
            return;
        }
        if (expected.isNumber()) {
            if (!actual.isNumber() || expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
                out.add(new Difference(path, describe(expected), describe(actual)));
            }
        } else if (expected.isArray()) {
            if (!actual.isArray()) {
                out.add(new Difference(path, "an array", describe(actual)));
                return;
            }
            boolean prefix = prefixes.contains(path);
            if (prefix ? actual.size() < expected.size() : actual.size() != expected.size()) {
                out.add(new Difference(path, (prefix ? "at least " : "") + expected.size() + " items",
                        actual.size() + " items"));
            }
            for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
                compare(expected.get(i), actual.get(i), prefixes, path + "/" + i, out);
            }
        } else if (expected.isObject()) {
            if (!actual.isObject()) {
                out.add(new Difference(path, "an object", describe(actual)));
                return;
            }
            for (Iterator<String> names = expected.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                compare(expected.get(name), actual.get(name), prefixes, path + "/" + escape(name), out);
            }
            for (Iterator<String> names = actual.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!expected.has(name)) {
                    out.add(new Difference(path + "/" + escape(name), "no such key", describe(actual.get(name))));
                }
            }
        } else if (!expected.equals(actual)) {
            out.add(new Difference(path, describe(expected), describe(actual)));
        }
    }

    /** A node as a difference shows it: its JSON, cut at 200 characters, or {@code nothing}. */
    public static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }
}
