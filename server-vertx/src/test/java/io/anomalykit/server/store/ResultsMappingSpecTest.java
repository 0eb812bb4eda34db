package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.model.spec.OpenApiSpec;
import io.anomalykit.server.store.ResultsMapping.Kind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mapping table is the spec's: known facts of Elasticsearch's results mapping come out of it, every field a
 * result schema declares is in it with a kind that fits the field's schema type, and the cluster template is built
 * from it.
 */
class ResultsMappingSpecTest {

    private static JsonNode schemas;

    @BeforeAll
    static void readSpec() {
        schemas = OpenApiSpec.tree().at("/components/schemas");
    }

    @Test
    void knownFactsOfTheResultsMapping() {
        assertThat(ResultsMapping.knownKind("timestamp")).isEqualTo(Kind.DATE);
        assertThat(ResultsMapping.knownKind("record_score")).isEqualTo(Kind.NUMBER);
        assertThat(ResultsMapping.knownKind("bucket_span")).isEqualTo(Kind.NUMBER);
        assertThat(ResultsMapping.knownKind("anomaly_score")).as("a bucket field").isEqualTo(Kind.NUMBER);
        assertThat(ResultsMapping.knownKind("is_interim")).isEqualTo(Kind.BOOLEAN);
        assertThat(ResultsMapping.knownKind("job_id")).isEqualTo(Kind.KEYWORD);
        assertThat(ResultsMapping.knownKind("influencer_field_value")).isEqualTo(Kind.KEYWORD);
        assertThat(ResultsMapping.knownKind("influencers")).isEqualTo(Kind.OBJECT);
        assertThat(ResultsMapping.knownKind("influencer_field_values")).as("mapped only inside influencers")
                .isEqualTo(Kind.OBJECT);
        assertThat(ResultsMapping.knownKind("kpi_indicator")).as("a dynamic field").isNull();
        assertThat(ResultsMapping.knownFields()).as("as many as the hand-written table had").hasSize(41);
    }

    @Test
    void reservedNamesAreTheKnownFieldsAndTheResultSchemasProperties() {
        assertThat(ResultsMapping.isReserved("timestamp_string")).isTrue();
        assertThat(ResultsMapping.isReserved("influencers.influencer_field_name")).isTrue();
        assertThat(ResultsMapping.isReserved("mlcategory")).isTrue();
        assertThat(ResultsMapping.isReserved("kpi_indicator")).isFalse();
        assertThat(ResultsMapping.isReserved("customer_full_name.keyword")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"AnomalyRecord", "Influencer", "AnomalyCause"})
    void everyPropertyOfAResultSchemaIsMappedWithAFittingKind(String schema) {
        for (Map.Entry<String, JsonNode> property : schemas.at("/" + schema + "/properties").properties()) {
            String name = property.getKey();
            if (name.equals("timestamp_string")) {
                // Only in answers with human=true; never stored.
                assertThat(ResultsMapping.isReserved(name)).isTrue();
                continue;
            }
            assertThat(ResultsMapping.knownKind(name)).as("%s.%s is mapped", schema, name)
                    .isEqualTo(expectedKind(name, property.getValue()));
        }
    }

    private static Kind expectedKind(String name, JsonNode property) {
        JsonNode typed = property.has("items") ? property.get("items") : property;
        if (typed.has("$ref")) {
            return Kind.OBJECT;
        }
        return switch (typed.path("type").asText()) {
            case "number" -> Kind.NUMBER;
            case "integer" -> name.equals("timestamp") ? Kind.DATE : Kind.NUMBER;
            case "boolean" -> Kind.BOOLEAN;
            case "string" -> Kind.KEYWORD;
            default -> throw new AssertionError("no kind for " + name + ": " + property);
        };
    }

    @Test
    void theClusterTemplateMapsWhatTheSpecSays() {
        JsonNode properties = ClusterMappings.resultsTemplate("1s").at("/template/mappings/properties");
        assertThat(properties.at("/timestamp/type").asText()).isEqualTo("date");
        assertThat(properties.at("/timestamp/format").asText()).isEqualTo("epoch_millis||strict_date_optional_time");
        assertThat(properties.at("/record_score/type").asText()).isEqualTo("double");
        assertThat(properties.at("/is_interim/type").asText()).isEqualTo("boolean");
        assertThat(properties.at("/function/type").asText()).isEqualTo("keyword");
        assertThat(properties.at("/influencers/type").asText()).isEqualTo("nested");
        assertThat(properties.at("/influencers/properties/influencer_field_name/type").asText()).isEqualTo("keyword");
        assertThat(properties.at("/influencers/properties/influencer_field_values/type").asText()).isEqualTo("keyword");
        for (String disabled : new String[] {"causes", "bucket_influencers", "geo_results", "anomaly_score_explanation",
                "partition_scores"}) {
            assertThat(properties.get(disabled).toString()).as(disabled).isEqualTo("{\"type\":\"object\",\"enabled\":false}");
        }
        assertThat(properties.has("influencer_field_values")).as("not mapped at the top level").isFalse();
        schemas.at("/ResultDocument/properties").fieldNames().forEachRemaining(name ->
                assertThat(properties.has(name)).as("%s in the template", name).isTrue());
        assertThat(properties.size()).isEqualTo(schemas.at("/ResultDocument/properties").size());
    }
}
