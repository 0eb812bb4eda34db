package io.anomalykit.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.model.Contract.Example;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Every example in the spec is valid under its schema and survives a trip through the generated models. */
class ExamplesTest {

    /** Absent fields are omitted, as Elasticsearch omits them. */
    static final ObjectMapper MODELS = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);

    private static final Contract CONTRACT = Contract.get();

    static Stream<Example> allExamples() {
        return CONTRACT.examples().stream();
    }

    /** Examples whose schema is an object schema of the components: those have a generated model. */
    static Stream<Example> modelExamples() {
        return allExamples().filter(e -> {
            String name = CONTRACT.componentSchemaName(e);
            return name != null && CONTRACT.at("/components/schemas/" + name).path("type").asText().equals("object");
        });
    }

    static Stream<Example> elidedExamples() {
        return allExamples().filter(e -> e.definition().has("x-array-prefix"));
    }

    @Test
    void everyResultsOperationCarriesTheDocumentedRequestAndResponse() {
        List<Example> examples = CONTRACT.examples();
        for (String operation : List.of("mlGetRecords", "mlPostRecords", "xpackGetRecords", "xpackPostRecords",
                "mlGetInfluencers", "mlPostInfluencers", "xpackGetInfluencers", "xpackPostInfluencers")) {
            assertThat(examples)
                    .filteredOn(e -> e.operationId().equals(operation) && e.name().equals("documented"))
                    .extracting(Example::place)
                    .as("documented examples of %s", operation)
                    .contains("parameter job_id", "request body application/json", "response 200 application/json");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allExamples")
    void exampleIsValidUnderItsSchema(Example example) {
        assertThat(example.value()).as("%s has a value", example).isNotNull();
        assertThat(CONTRACT.validate(example.schemaRef(), example.value()))
                .as("schema errors of %s", example)
                .isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modelExamples")
    void exampleRoundTripsThroughItsModel(Example example) throws Exception {
        Class<?> model = Class.forName("io.anomalykit.model." + CONTRACT.componentSchemaName(example));
        ObjectNode back = MODELS.valueToTree(MODELS.treeToValue(example.value(), model));
        // Request models start from the schema's defaults, so a request gains exactly the defaults it did not set.
        JsonNode properties = CONTRACT.at("/components/schemas/" + model.getSimpleName()).path("properties");
        for (String added : fieldNamesOf(back)) {
            if (!example.value().has(added)) {
                JsonNode declared = properties.path(added);
                JsonNode defaultValue = declared.get("default");
                assertThat(defaultValue).as("%s gained '%s' without a declared default", example, added).isNotNull();
                assertThat(Contract.numericallyEqual(defaultValue, back.get(added)))
                        .as("%s gained '%s' = %s, declared default %s", example, added, back.get(added), defaultValue)
                        .isTrue();
                back.remove(added);
            }
        }
        assertThat(Contract.numericallyEqual(example.value(), back))
                .as("%s after a trip through %s:%n%s", example, model.getSimpleName(), back)
                .isTrue();
    }

    private static List<String> fieldNamesOf(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("elidedExamples")
    void elisionMarkersPointAtArraysOfTheExample(Example example) {
        JsonNode pointers = example.definition().get("x-array-prefix");
        assertThat(pointers.isArray() && !pointers.isEmpty()).as("x-array-prefix of %s lists pointers", example).isTrue();
        pointers.forEach(pointer -> assertThat(example.value().at(pointer.asText()).isArray())
                .as("%s in %s is an array", pointer, example)
                .isTrue());
    }

    @Test
    void dynamicKeysAreKeptByTheModels() throws Exception {
        JsonNode documented = CONTRACT.at("/components/examples/GetInfluencersDocumentedResponse/value");
        GetInfluencersResponse response = MODELS.treeToValue(documented, GetInfluencersResponse.class);
        assertThat(response.getCount()).isEqualTo(28L);
        assertThat(response.getInfluencers().get(0).getAdditionalProperties())
                .containsEntry("kpi_indicator", "online_purchases");
    }
}
