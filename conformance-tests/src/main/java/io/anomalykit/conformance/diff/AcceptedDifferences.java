package io.anomalykit.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The differences from the reference an implementer knows and accepts, each with the reason every report shows, as
 * opt-outs are: a YAML list of {@code - cause: <the cause exactly as a report names it>} with {@code reason: <why>}.
 */
final class AcceptedDifferences {

    private final Map<String, String> reasons;

    private AcceptedDifferences(Map<String, String> reasons) {
        this.reasons = Map.copyOf(reasons);
    }

    static AcceptedDifferences none() {
        return new AcceptedDifferences(Map.of());
    }

    /** @throws IllegalArgumentException when the file cannot be read, or an entry lacks its cause or reason */
    static AcceptedDifferences read(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the accepted differences " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> reasons = new LinkedHashMap<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isArray()) {
                throw new IllegalArgumentException(file + ": expected a list of entries with cause and reason");
            }
            for (JsonNode entry : root) {
                String cause = entry.path("cause").asText("");
                String reason = entry.path("reason").asText("");
                if (cause.isBlank() || reason.isBlank()) {
                    throw new IllegalArgumentException(file + ": every accepted difference needs a cause and a reason,"
                            + " not " + entry);
                }
                reasons.put(cause, reason);
            }
        }
        return new AcceptedDifferences(reasons);
    }

    /** Why the difference of this cause is accepted, or empty when it is not. */
    Optional<String> reason(String cause) {
        return Optional.ofNullable(reasons.get(cause));
    }
}
