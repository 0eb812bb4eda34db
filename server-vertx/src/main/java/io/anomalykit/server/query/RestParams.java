package io.anomalykit.server.query;

import io.anomalykit.server.error.EsException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The query-string parameters of one request, read the way Elasticsearch's REST layer reads them: every parameter a
 * handler asks for counts as consumed, and whatever is left unconsumed afterwards is an error.
 */
public final class RestParams {

    /** Parameters every Elasticsearch endpoint accepts. */
    public static final Set<String> ALWAYS_ACCEPTED = Set.of("format", "filter_path", "pretty", "human", "error_trace");

    private final String path;
    private final Map<String, String> values;
    private final Set<String> consumed = new HashSet<>();

    /** @param values parameter name to its last value, in request order */
    public RestParams(String path, Map<String, String> values) {
        this.path = path;
        this.values = new LinkedHashMap<>(values);
    }

    public String get(String name) {
        consumed.add(name);
        return values.get(name);
    }

    public String get(String name, String defaultValue) {
        String value = get(name);
        return value == null ? defaultValue : value;
    }

    /** Whether the parameter was given, without consuming it ({@code RestRequest.hasParam}). */
    public boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * {@code RestRequest.paramAsBoolean}: absent means the default, present and empty means true (the parameter's
     * presence turns it on), anything but true/false is an error.
     */
    public boolean flag(String name, boolean defaultValue) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        return value.isEmpty() || parseBoolean(value);
    }

    public int integer(String name, int defaultValue) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw EsException.illegalArgument("Failed to parse int parameter [" + name + "] with value [" + value + "]",
                    EsException.numberFormat(value));
        }
    }

    /** {@code RestRequest.paramAsLong}: absent means the default, anything but a long is an error. */
    public long longValue(String name, long defaultValue) {
        String value = get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw EsException.illegalArgument("Failed to parse long parameter [" + name + "] with value [" + value + "]");
        }
    }

    /**
     * {@code RestRequest.paramAsTime} ({@code TimeValue.parseTimeValue}): read and checked only, as nothing here waits.
     * A whole number with a unit ({@code nanos}, {@code micros}, {@code ms}, {@code s}, {@code m}, {@code h},
     * {@code d}), or {@code -1} or {@code 0} alone.
     */
    public void checkTimeValue(String name) {
        String value = get(name);
        if (value == null) {
            return;
        }
        String normalized = value.toLowerCase(java.util.Locale.ROOT).trim();
        // The units in parseTimeValue's order: "ms" before "s", and "m" matched on the value as given.
        for (String unit : List.of("nanos", "micros", "ms", "s", "m", "h", "d")) {
            if (unit.equals("m") ? value.endsWith(unit) : normalized.endsWith(unit)) {
                checkTimeNumber(name, value, normalized.substring(0, normalized.length() - unit.length()).trim());
                return;
            }
        }
        if (!normalized.matches("-0*1") && !normalized.matches("0+")) {
            throw EsException.illegalArgument("failed to parse setting [" + name + "] with value [" + value
                    + "] as a time value: unit is missing or unrecognized");
        }
    }

    private static void checkTimeNumber(String name, String value, String number) {
        long parsed;
        try {
            parsed = Long.parseLong(number);
        } catch (NumberFormatException notWhole) {
            try {
                Double.parseDouble(number);
            } catch (NumberFormatException notNumber) {
                throw EsException.illegalArgument("failed to parse [" + value + "]");
            }
            throw EsException.illegalArgument("failed to parse [" + value + "], fractional time values are not supported");
        }
        if (parsed < -1) {
            throw EsException.illegalArgument("failed to parse setting [" + name + "] with value [" + value
                    + "] as a time value: negative durations are not supported");
        }
    }

    /**
     * {@code wait_for_active_shards} ({@code ActiveShardCount.parseString}): {@code all} or a count of at least 0;
     * read and checked only, as every results index is one shard with no replica and is always active.
     */
    public void checkActiveShardCount(String name) {
        String value = get(name);
        if (value == null || value.equals("all")) {
            return;
        }
        int count;
        try {
            count = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw EsException.illegalArgument("cannot parse ActiveShardCount[" + value + "]");
        }
        if (count < 0) {
            throw EsException.illegalArgument("shard count cannot be a negative value");
        }
    }

    /** Parameters an endpoint takes but has no use for here: accepted, never unrecognized. */
    public RestParams accept(String... names) {
        consumed.addAll(List.of(names));
        return this;
    }

    /** Elasticsearch's strict boolean parsing, shared by the query string and the body parser. */
    public static boolean parseBoolean(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw EsException.illegalArgument(
                    "Failed to parse value [" + value + "] as only [true] or [false] are allowed.");
        };
    }

    /** Fails with Elasticsearch's "unrecognized parameter" error if a parameter was never consumed. */
    public void rejectUnconsumed() {
        Set<String> unknown = new TreeSet<>();
        for (String name : values.keySet()) {
            if (!consumed.contains(name) && !ALWAYS_ACCEPTED.contains(name)) {
                unknown.add(name);
            }
        }
        if (unknown.isEmpty()) {
            return;
        }
        // The candidates are every consumed parameter, and Elasticsearch has consumed the global ones before any handler
        // runs (the channel reads format, filter_path, pretty and human; the controller error_trace).
        Set<String> candidates = new HashSet<>(consumed);
        candidates.addAll(ALWAYS_ACCEPTED);
        List<String> parts = new ArrayList<>();
        for (String name : unknown) {
            parts.add("[" + name + "]" + Suggestions.restSuffix(name, candidates));
        }
        throw EsException.illegalArgument("request [" + path + "] contains unrecognized parameter"
                + (unknown.size() > 1 ? "s" : "") + ": " + String.join(", ", parts));
    }
}
