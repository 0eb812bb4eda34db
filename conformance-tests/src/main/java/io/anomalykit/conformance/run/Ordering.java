package io.anomalykit.conformance.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.conformance.check.Difference;
import io.anomalykit.conformance.check.JsonComparison;

import java.util.ArrayList;
import java.util.List;

/** The per-case order rule {@code "<array>/<field> asc|desc"}: missing values last, numbers and strings compared. */
final class Ordering {

    private Ordering() {
    }

    static List<Difference> check(String rule, JsonNode body) {
        String[] parts = rule.trim().split("\\s+");
        String[] path = parts[0].split("/", 2);
        boolean descending = parts.length > 1 && parts[1].equals("desc");
        JsonNode items = body.path(path[0]);
        List<Difference> differences = new ArrayList<>();
        if (!items.isArray()) {
            differences.add(new Difference("/" + path[0], "an array", JsonComparison.describe(items)));
            return differences;
        }
        for (int i = 1; i < items.size(); i++) {
            JsonNode before = items.get(i - 1).get(path[1]);
            JsonNode after = items.get(i).get(path[1]);
            if (outOfOrder(before, after, descending)) {
                differences.add(new Difference("/" + path[0] + "/" + i + "/" + path[1],
                        (descending ? "at most " : "at least ") + JsonComparison.describe(before) + " (sorted " + rule + ")",
                        JsonComparison.describe(after)));
            }
        }
        return differences;
    }

    private static boolean outOfOrder(JsonNode before, JsonNode after, boolean descending) {
        if (before == null) {
            return after != null;
        }
        if (after == null) {
            return false;
        }
        int comparison = before.isNumber() && after.isNumber()
                ? before.decimalValue().compareTo(after.decimalValue())
                : before.asText().compareTo(after.asText());
        return descending ? comparison < 0 : comparison > 0;
    }
}
