package io.anomalykit.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.model.json.ModelJson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The generated models, written with {@link ModelJson}, keep Elasticsearch's order of declared and dynamic keys. */
class ModelJsonTest {

    private static final ObjectMapper MODELS = ModelJson.newMapper();

    @Test
    void dynamicKeysKeepTheOrderTheyWerePut() throws Exception {
        AnomalyRecord record = AnomalyRecord.builder().jobId("j").resultType(AnomalyRecord.ResultTypeEnum.RECORD)
                .probability(0.5).recordScore(1.0).initialRecordScore(2.0).bucketSpan(900L).detectorIndex(0)
                .isInterim(false).timestamp(1000L).build();
        // Enough names that a hash map would write them in another order than they were put.
        List<String> names = new ArrayList<>();
        for (int i = 40; i > 0; i--) {
            names.add("field_" + i);
        }
        names.forEach(name -> record.putAdditionalProperty(name, List.of(name)));
        record.putAdditionalProperty("field_7", List.of("again"));

        JsonNode back = MODELS.readTree(MODELS.writeValueAsBytes(record));

        List<String> keys = new ArrayList<>();
        back.fieldNames().forEachRemaining(keys::add);
        assertThat(keys.subList(0, 9)).containsExactly("job_id", "result_type", "probability", "record_score",
                "initial_record_score", "bucket_span", "detector_index", "is_interim", "timestamp");
        assertThat(keys.subList(9, keys.size())).containsExactlyElementsOf(names);
        assertThat(back.get("field_7").toString()).isEqualTo("[\"again\"]");
    }

    @Test
    void readingKeepsTheOrderOfTheText() throws Exception {
        String json = "{\"job_id\":\"j\",\"result_type\":\"record\",\"probability\":0.5,\"record_score\":1.0,"
                + "\"initial_record_score\":2.0,\"bucket_span\":900,\"detector_index\":0,\"is_interim\":false,"
                + "\"timestamp\":1000,\"zeta\":[\"1\"],\"alpha\":[\"2\"],\"mid\":[\"3\"]}";
        AnomalyRecord record = MODELS.readValue(json, AnomalyRecord.class);
        assertThat(record.getAdditionalProperties()).containsOnlyKeys("zeta", "alpha", "mid");
        assertThat(new ArrayList<>(record.getAdditionalProperties().keySet())).containsExactly("zeta", "alpha", "mid");
        assertThat(MODELS.writeValueAsString(record)).isEqualTo(json);
    }

    @Test
    void anInfluencersKeyFollowsItsFieldValueAsTheSpecSays() throws Exception {
        Influencer influencer = Influencer.builder().jobId("j").resultType(Influencer.ResultTypeEnum.INFLUENCER)
                .influencerFieldName("host").influencerFieldValue("web-01").influencerScore(12.5)
                .initialInfluencerScore(10.0).probability(0.01).bucketSpan(900L).isInterim(false).timestamp(1000L)
                .build();
        influencer.putAdditionalProperty("host", "web-01");

        assertThat(MODELS.writeValueAsString(influencer)).isEqualTo("{\"job_id\":\"j\",\"result_type\":\"influencer\","
                + "\"influencer_field_name\":\"host\",\"influencer_field_value\":\"web-01\",\"host\":\"web-01\","
                + "\"influencer_score\":12.5,\"initial_influencer_score\":10.0,\"probability\":0.01,\"bucket_span\":900,"
                + "\"is_interim\":false,\"timestamp\":1000}");
    }

    @Test
    void theExtensionMatchesADeclaredPropertyOfItsSchema() {
        Contract.get().spec.at("/components/schemas").fields().forEachRemaining(schema -> {
            String after = schema.getValue().path("x-additional-properties-after").asText(null);
            if (after != null) {
                assertThat(schema.getValue().path("properties").has(after))
                        .as("%s: x-additional-properties-after names a declared property", schema.getKey()).isTrue();
                assertThat(schema.getValue().path("additionalProperties").asBoolean(false))
                        .as("%s allows additional properties", schema.getKey()).isTrue();
            }
        });
    }

    @Test
    void anUnsetRequiredPropertyIsLeftOutNotWrittenAsNull() throws Exception {
        // The generated getter says @JsonInclude(ALWAYS); Elasticsearch never writes a result field as null.
        assertThat(Influence.class.getMethod("getInfluencerFieldValues").getAnnotation(JsonInclude.class).value())
                .isEqualTo(JsonInclude.Include.ALWAYS);
        assertThat(MODELS.writeValueAsString(new Influence().influencerFieldName("host")))
                .isEqualTo("{\"influencer_field_name\":\"host\"}");
        assertThat(new ObjectMapper().registerModule(ModelJson.module())
                .writeValueAsString(new Influence().influencerFieldName("host")))
                .as("the module alone does it on any mapper").isEqualTo("{\"influencer_field_name\":\"host\"}");
    }

    @Test
    void absentPropertiesStayAbsent() throws Exception {
        assertThat(MODELS.writeValueAsString(new GeoResults().actualPoint("1,2"))).isEqualTo("{\"actual_point\":\"1,2\"}");
    }

    @Test
    void theExampleOfTheContractGuideWritesWhatTheGuideShows() throws Exception {
        AnomalyRecord record = AnomalyRecord.builder()
                .jobId("it-ops-kpi").resultType(AnomalyRecord.ResultTypeEnum.RECORD)
                .probability(3.32668e-6).recordScore(72.9929).initialRecordScore(65.7923)
                .bucketSpan(300L).detectorIndex(0).isInterim(false).timestamp(1454944200000L)
                .function("low_sum").functionDescription("sum")
                .typical(List.of(1806.48)).actual(List.of(288.0)).fieldName("events_per_min")
                .build();
        record.putAdditionalProperty("host", List.of("web-01"));

        assertThat(new String(ModelJson.newMapper().writeValueAsBytes(record), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("{\"job_id\":\"it-ops-kpi\",\"result_type\":\"record\",\"probability\":3.32668E-6,"
                        + "\"record_score\":72.9929,\"initial_record_score\":65.7923,\"bucket_span\":300,"
                        + "\"detector_index\":0,\"is_interim\":false,\"timestamp\":1454944200000,\"function\":\"low_sum\","
                        + "\"function_description\":\"sum\",\"typical\":[1806.48],\"actual\":[288.0],"
                        + "\"field_name\":\"events_per_min\",\"host\":[\"web-01\"]}");
    }
}
