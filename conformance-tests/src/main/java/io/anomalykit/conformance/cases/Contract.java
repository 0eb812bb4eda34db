package io.anomalykit.conformance.cases;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.model.spec.OpenApiSpec;

import java.util.Map;

/** The contract as the kit reads it: {@code spec/openapi.yaml} from the api-model jar. */
public final class Contract {

    static final String FIXTURES_FOLDER = OpenApiSpec.FIXTURES;
    private static final Contract INSTANCE = new Contract();

    private final JsonNode spec = OpenApiSpec.tree();

    private Contract() {
    }

    /** The contract, read once. */
    public static Contract get() {
        return INSTANCE;
    }

    /** The whole OpenAPI document. */
    public JsonNode spec() {
        return spec;
    }

    /** The node a {@code $ref} chain leads to. */
    public JsonNode deref(JsonNode node) {
        JsonNode current = node;
        while (current != null && current.has("$ref")) {
            current = spec.at(current.get("$ref").asText().substring(1));
        }
        return current;
    }

    /** The path template of the spec matching a concrete path, or null. */
    public String pathTemplate(String path) {
        for (Map.Entry<String, JsonNode> entry : spec.get("paths").properties()) {
            String regex = entry.getKey().replaceAll("\\{[^}]+}", "[^/]+");
            if (path.matches(regex)) {
                return entry.getKey();
            }
        }
        return null;
    }
}
