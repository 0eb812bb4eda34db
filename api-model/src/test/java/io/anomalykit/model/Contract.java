package io.anomalykit.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import io.anomalykit.model.spec.OpenApiSpec;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The contract as the tests see it: the spec read from the api-model jar's resources (the bytes the server and the kit
 * read), every example in it with the schema it must satisfy, and schema validation under the OpenAPI 3.0 dialect.
 */
final class Contract {

    static final String RESOURCE_ROOT = "anomalykit/spec/";
    private static final String SPEC_IRI = "https://anomalykit.io/spec/openapi.json";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "head", "options", "patch");

    static final ObjectMapper JSON = new ObjectMapper();

    private static final Contract INSTANCE = new Contract();

    final JsonNode spec;
    private final SchemaRegistry schemas;

    private Contract() {
        spec = OpenApiSpec.tree();
        try {
            String specJson = JSON.writeValueAsString(spec);
            schemas = SchemaRegistry.withDialect(Dialects.getOpenApi30(), b -> b.schemas(Map.of(SPEC_IRI, specJson)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Contract get() {
        return INSTANCE;
    }

    static InputStream resource(String relativePath) {
        InputStream in = Contract.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + relativePath);
        return Objects.requireNonNull(in, () -> "not on the classpath: " + RESOURCE_ROOT + relativePath);
    }

    /** One example of the spec and where it sits: {@code schemaRef} is a JSON pointer into the spec. */
    record Example(String operationId, String place, String name, String schemaRef, JsonNode definition) {
        JsonNode value() {
            return definition.get("value");
        }

        @Override
        public String toString() {
            return operationId + " " + place + " example '" + name + "'";
        }
    }

    /** Every example of every operation: parameter, request-body and response examples, with $refs resolved. */
    List<Example> examples() {
        List<Example> found = new ArrayList<>();
        spec.get("paths").fields().forEachRemaining(path -> {
            JsonNode pathItem = path.getValue();
            path.getValue().fields().forEachRemaining(op -> {
                if (!METHODS.contains(op.getKey())) {
                    return;
                }
                JsonNode operation = op.getValue();
                String operationId = operation.get("operationId").asText();
                String pathPointer = "/paths/" + escape(path.getKey());
                collectParameters(found, operationId, pathItem.path("parameters"), pathPointer + "/parameters/");
                collectParameters(found, operationId, operation.path("parameters"),
                        pathPointer + "/" + op.getKey() + "/parameters/");
                if (operation.has("requestBody")) {
                    JsonNode body = deref(operation.get("requestBody"));
                    String bodyPointer = pointerOf(operation.get("requestBody"), pathPointer + "/" + op.getKey()
                            + "/requestBody");
                    body.path("content").fields().forEachRemaining(media -> collect(found, operationId,
                            "request body " + media.getKey(),
                            bodyPointer + "/content/" + escape(media.getKey()) + "/schema", media.getValue()));
                }
                operation.path("responses").fields().forEachRemaining(status -> {
                    JsonNode response = deref(status.getValue());
                    String responsePointer = pointerOf(status.getValue(), pathPointer + "/"
                            + op.getKey() + "/responses/" + escape(status.getKey()));
                    response.path("content").fields().forEachRemaining(media -> collect(found, operationId,
                            "response " + status.getKey() + " " + media.getKey(),
                            responsePointer + "/content/" + escape(media.getKey()) + "/schema", media.getValue()));
                });
            });
        });
        return found;
    }

    private void collectParameters(List<Example> found, String operationId, JsonNode parameters, String inlinePointer) {
        for (int i = 0; i < parameters.size(); i++) {
            JsonNode parameter = deref(parameters.get(i));
            collect(found, operationId, "parameter " + parameter.get("name").asText(),
                    pointerOf(parameters.get(i), inlinePointer + i) + "/schema", parameter);
        }
    }

    private void collect(List<Example> found, String operationId, String place, String schemaPointer, JsonNode holder) {
        for (Iterator<Map.Entry<String, JsonNode>> it = holder.path("examples").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> example = it.next();
            found.add(new Example(operationId, place, example.getKey(), schemaPointer, deref(example.getValue())));
        }
    }

    /** The schema at a pointer, followed through one $ref if the schema itself is a reference. */
    JsonNode at(String pointer) {
        JsonNode node = spec.at(pointer);
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("nothing in the spec at " + pointer);
        }
        return node;
    }

    /** The name of the components schema an example's schema refers to, or null for an inline schema. */
    String componentSchemaName(Example example) {
        JsonNode schema = at(example.schemaRef());
        String ref = schema.path("$ref").asText("");
        String prefix = "#/components/schemas/";
        return ref.startsWith(prefix) ? ref.substring(prefix.length()) : null;
    }

    List<Error> validate(String schemaPointer, JsonNode instance) {
        Schema schema = schemas.getSchema(SchemaLocation.of(SPEC_IRI + "#" + schemaPointer));
        return schema.validate(instance);
    }

    List<Error> validateAgainstComponent(String componentName, JsonNode instance) {
        return validate("/components/schemas/" + componentName, instance);
    }

    private JsonNode deref(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            current = at(current.get("$ref").asText().substring(1));
        }
        return current;
    }

    private static String pointerOf(JsonNode maybeRef, String inlinePointer) {
        return maybeRef.has("$ref") ? maybeRef.get("$ref").asText().substring(1) : inlinePointer;
    }

    private static String escape(String token) {
        return token.replace("~", "~0").replace("/", "~1");
    }

    /** JSON equality where numbers are equal when their values are (288 equals 288.0). */
    static boolean numericallyEqual(JsonNode expected, JsonNode actual) {
        return expected.equals((a, b) -> {
            if (a.isNumber() && b.isNumber()) {
                return a.decimalValue().compareTo(b.decimalValue());
            }
            return a.equals(b) ? 0 : 1;
        }, actual);
    }
}
