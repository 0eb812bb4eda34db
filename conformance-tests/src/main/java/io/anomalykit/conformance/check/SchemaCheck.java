package io.anomalykit.conformance.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import io.anomalykit.conformance.cases.Contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Validates an answer against the schema the contract gives for that path, method and status. */
public final class SchemaCheck {

    private static final String SPEC_IRI = "https://anomalykit.io/spec/openapi.json";
    private static final SchemaCheck INSTANCE = new SchemaCheck();

    private final SchemaRegistry registry;

    private SchemaCheck() {
        try {
            String json = new ObjectMapper().writeValueAsString(Contract.get().spec());
            registry = SchemaRegistry.withDialect(Dialects.getOpenApi30(), b -> b.schemas(Map.of(SPEC_IRI, json)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The check, built once from the contract. */
    public static SchemaCheck get() {
        return INSTANCE;
    }

    /** The differences from the contract's schema, or none when the contract has no schema for this answer. */
    public List<Difference> validate(String method, String path, int status, JsonNode body) {
        Contract contract = Contract.get();
        String template = contract.pathTemplate(path);
        if (template == null) {
            return List.of();
        }
        String pointer = "/paths/" + template.replace("~", "~0").replace("/", "~1") + "/" + method.toLowerCase(Locale.ROOT)
                + "/responses/" + status;
        JsonNode response = contract.spec().at(pointer);
        if (response.isMissingNode()) {
            return List.of();
        }
        if (response.has("$ref")) {
            pointer = response.get("$ref").asText().substring(1);
        }
        pointer += "/content/application~1json/schema";
        if (contract.spec().at(pointer).isMissingNode()) {
            return List.of();
        }
        List<Difference> differences = new ArrayList<>();
        for (Error error : registry.getSchema(SchemaLocation.of(SPEC_IRI + "#" + pointer)).validate(body)) {
            differences.add(new Difference(error.getInstanceLocation().toString(), "a value valid under the contract's "
                    + "schema", error.getMessage()));
        }
        return differences;
    }
}
