package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.model.AnomalyRecord;
import io.anomalykit.model.Influencer;
import io.anomalykit.model.json.ModelJson;
import io.anomalykit.server.query.ResultType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The renderer's output is what the generated models write: it reads back into the model and writes again byte for
 * byte, for the fixtures and for stored documents that exercise every optional part of a result.
 */
class ResultRendererModelTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper MODELS = ModelJson.newMapper();

    private static final String FULL_RECORD = "{\"job_id\":\"j\",\"result_type\":\"record\",\"timestamp\":\"2020-01-01T00:00:00Z\","
            + "\"probability\":\"0.5\",\"multi_bucket_impact\":\"-2\",\"bucket_span\":900,\"typical\":5,"
            + "\"actual\":[1,\"2\"],\"by_field_name\":\"host\",\"by_field_value\":\"a\",\"over_field_name\":\"user\","
            + "\"over_field_value\":7,\"partition_field_name\":\"timestamp\",\"partition_field_value\":\"x\","
            + "\"causes\":[{\"probability\":0.1,\"over_field_name\":\"user\",\"over_field_value\":\"u\",\"by_field_name\":\"b\","
            + "\"function\":\"mean\",\"typical\":[1],\"actual\":[2],\"influencers\":[{\"influencer_field_name\":\"i\","
            + "\"influencer_field_values\":[\"v\"]}],\"field_name\":\"f\",\"geo_results\":{\"actual_point\":\"1,2\"},\"unknown\":1}],"
            + "\"influencers\":[{\"influencer_field_name\":\"host\",\"influencer_field_values\":[\"b\",\"a\"]},"
            + "{\"influencer_field_name\":\"z.k\",\"influencer_field_values\":[\"q\"]}],\"geo_results\":{},"
            + "\"anomaly_score_explanation\":{\"anomaly_type\":\"dip\",\"anomaly_length\":2.7,\"single_bucket_impact\":\"3\","
            + "\"lower_confidence_bound\":1,\"high_variance_penalty\":\"true\",\"incomplete_bucket_penalty\":false},"
            + "\"junk\":{\"a\":1}}";

    @Test
    void aRecordWithEveryPartIsWrittenInTheSpecsOrderWithDynamicKeysLast() throws Exception {
        String rendered = render(ResultType.RECORD, FULL_RECORD);

        assertThat(rendered).isEqualTo("{\"job_id\":\"j\",\"result_type\":\"record\",\"probability\":0.5,"
                + "\"multi_bucket_impact\":-2.0,\"record_score\":0.0,\"initial_record_score\":0.0,\"bucket_span\":900,"
                + "\"detector_index\":0,\"is_interim\":false,\"timestamp\":1577836800000,\"by_field_name\":\"host\","
                + "\"by_field_value\":\"a\",\"partition_field_name\":\"timestamp\",\"partition_field_value\":\"x\","
                + "\"typical\":[5.0],\"actual\":[1.0,2.0],\"over_field_name\":\"user\",\"over_field_value\":\"7\","
                + "\"causes\":[{\"probability\":0.1,\"by_field_name\":\"b\",\"function\":\"mean\",\"typical\":[1.0],"
                + "\"actual\":[2.0],\"field_name\":\"f\",\"over_field_name\":\"user\",\"over_field_value\":\"u\","
                + "\"influencers\":[{\"influencer_field_name\":\"i\",\"influencer_field_values\":[\"v\"]}],"
                + "\"geo_results\":{\"actual_point\":\"1,2\"}}],"
                + "\"influencers\":[{\"influencer_field_name\":\"host\",\"influencer_field_values\":[\"b\",\"a\"]},"
                + "{\"influencer_field_name\":\"z.k\",\"influencer_field_values\":[\"q\"]}],\"geo_results\":{},"
                + "\"anomaly_score_explanation\":{\"anomaly_type\":\"dip\",\"anomaly_length\":2,\"single_bucket_impact\":3,"
                + "\"lower_confidence_bound\":1.0,\"high_variance_penalty\":true,\"incomplete_bucket_penalty\":false},"
                + "\"z.k\":[\"q\"],\"host\":[\"a\",\"b\"],\"user\":[\"7\"]}");
        assertRoundTrips(rendered, AnomalyRecord.class);
    }

    @Test
    void anInfluencersKeyFollowsItsValueAndAReservedNameMakesNoKey() throws Exception {
        String rendered = render(ResultType.INFLUENCER, "{\"job_id\":\"j\",\"result_type\":\"influencer\","
                + "\"timestamp\":5,\"influencer_score\":\"3\",\"influencer_field_value\":\"h\",\"influencer_field_name\":\"host\"}");
        assertThat(rendered).isEqualTo("{\"job_id\":\"j\",\"result_type\":\"influencer\",\"influencer_field_name\":\"host\","
                + "\"influencer_field_value\":\"h\",\"host\":\"h\",\"influencer_score\":3.0,\"initial_influencer_score\":0.0,"
                + "\"probability\":0.0,\"bucket_span\":0,\"is_interim\":false,\"timestamp\":5}");
        assertRoundTrips(rendered, Influencer.class);

        String reserved = render(ResultType.INFLUENCER, "{\"job_id\":\"j\",\"result_type\":\"influencer\","
                + "\"influencer_field_name\":\"record_score\",\"influencer_field_value\":\"h\",\"timestamp\":5}");
        assertThat(JSON.readTree(reserved).has("record_score")).isFalse();
        assertRoundTrips(reserved, Influencer.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"it-ops-kpi", "it_ops_new_kpi"})
    void everyFixtureResultRendersToWhatItsModelWrites(String jobId) throws Exception {
        int seen = 0;
        for (ResultType type : ResultType.values()) {
            for (ObjectNode document : ModelRoundTripHttpTest.fixtureDocuments(jobId, type)) {
                String rendered = new String(ResultRenderer.renderJson(type, document), StandardCharsets.UTF_8);
                assertRoundTrips(rendered, type == ResultType.RECORD ? AnomalyRecord.class : Influencer.class);
                assertDynamicKeysComeFromTheDocument(type, document, JSON.readTree(rendered));
                seen++;
            }
        }
        assertThat(seen).isPositive();
    }

    private static void assertDynamicKeysComeFromTheDocument(ResultType type, JsonNode document, JsonNode rendered) {
        List<String> names = new ArrayList<>();
        rendered.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (!ResultsMapping.isReserved(name)) {
                // A key the spec does not declare is a dynamic key: named after an analysed field of the document.
                assertThat(document.toString()).as("%s %s of %s", type, name, document).contains("\"" + name + "\"");
            }
        }
    }

    private static String render(ResultType type, String source) throws Exception {
        return new String(ResultRenderer.renderJson(type, (ObjectNode) JSON.readTree(source)), StandardCharsets.UTF_8);
    }

    private static void assertRoundTrips(String rendered, Class<?> model) throws Exception {
        assertThat(ModelJson.writer().writeValueAsString(MODELS.readValue(rendered, model)))
                .as("%s through %s", rendered, model.getSimpleName()).isEqualTo(rendered);
    }
}
