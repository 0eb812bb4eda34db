package io.anomalykit.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.model.AnomalyCause;
import io.anomalykit.model.AnomalyRecord;
import io.anomalykit.model.AnomalyScoreExplanation;
import io.anomalykit.model.GeoResults;
import io.anomalykit.model.Influence;
import io.anomalykit.model.Influencer;
import io.anomalykit.model.json.AnalysedFields;
import io.anomalykit.model.json.ModelJson;
import io.anomalykit.server.query.Dates;
import io.anomalykit.server.query.ResultType;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes stored result documents the way Elasticsearch answers them, through the models generated from the spec: the
 * document is read leniently into an {@link AnomalyRecord} or {@link Influencer} (unknown stored fields are dropped,
 * primitives take their defaults, the dynamic keys — one per analysed field, named after it — are derived again from
 * the by/over/partition and influencer fields), and the model is written by {@link ModelJson#writer()}, so the field
 * order is the spec's. The store renders each result once, when it is written, so that answering a search is copying
 * bytes. The {@code human} form (a {@code timestamp_string} before {@code timestamp}) is added by whoever answers.
 */
public final class ResultRenderer {

    private ResultRenderer() {
    }

    /**
     * The rendering as compact JSON, what stores keep and answers copy: a {@link ResultsStore} in any package renders
     * its hits with this.
     */
    public static byte[] renderJson(ResultType type, ObjectNode source) {
        try {
            return ModelJson.writer().writeValueAsBytes(type == ResultType.RECORD ? record(source) : influencer(source));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static AnomalyRecord record(JsonNode src) {
        AnomalyRecord out = new AnomalyRecord()
                .jobId(src.path("job_id").asText())
                .resultType(AnomalyRecord.ResultTypeEnum.RECORD)
                .probability(src.path("probability").asDouble(0.0))
                .multiBucketImpact(number(src.get("multi_bucket_impact")))
                .recordScore(src.path("record_score").asDouble(0.0))
                .initialRecordScore(src.path("initial_record_score").asDouble(0.0))
                .bucketSpan(src.path("bucket_span").asLong(0))
                .detectorIndex(src.path("detector_index").asInt(0))
                .isInterim(src.path("is_interim").asBoolean(false))
                .timestamp(timestamp(src))
                .anomalyScoreExplanation(explanation(src.get("anomaly_score_explanation")));
        analysed(src, out);
        if (src.path("causes").isArray()) {
            List<AnomalyCause> causes = new ArrayList<>(src.get("causes").size());
            src.get("causes").forEach(cause -> causes.add(cause(cause)));
            out.causes(causes);
        }
        dynamicKeys(src).forEach((name, values) -> out.putAdditionalProperty(name, new ArrayList<>(values)));
        return out;
    }

    static Influencer influencer(JsonNode src) {
        String fieldName = src.path("influencer_field_name").asText(null);
        String fieldValue = src.path("influencer_field_value").asText(null);
        Influencer out = new Influencer()
                .jobId(src.path("job_id").asText())
                .resultType(Influencer.ResultTypeEnum.INFLUENCER)
                .influencerFieldName(fieldName)
                .influencerFieldValue(fieldValue)
                .influencerScore(src.path("influencer_score").asDouble(0.0))
                .initialInfluencerScore(src.path("initial_influencer_score").asDouble(0.0))
                .probability(src.path("probability").asDouble(0.0))
                .bucketSpan(src.path("bucket_span").asLong(0))
                .isInterim(src.path("is_interim").asBoolean(false))
                .timestamp(timestamp(src));
        if (fieldName != null && !fieldName.isEmpty() && fieldValue != null && !ResultsMapping.isReserved(fieldName)) {
            out.putAdditionalProperty(fieldName, fieldValue);
        }
        return out;
    }

    private static AnomalyCause cause(JsonNode src) {
        return analysed(src, new AnomalyCause().probability(src.path("probability").asDouble(0.0)));
    }

    /** Fills what a record and a cause share; the model's property order, not this one, is the written order. */
    private static <T extends AnalysedFields<T>> T analysed(JsonNode src, T out) {
        return out.byFieldName(text(src.get("by_field_name")))
                .byFieldValue(text(src.get("by_field_value")))
                .correlatedByFieldValue(text(src.get("correlated_by_field_value")))
                .partitionFieldName(text(src.get("partition_field_name")))
                .partitionFieldValue(text(src.get("partition_field_value")))
                .function(text(src.get("function")))
                .functionDescription(text(src.get("function_description")))
                .typical(doubles(src.get("typical")))
                .actual(doubles(src.get("actual")))
                .fieldName(text(src.get("field_name")))
                .overFieldName(text(src.get("over_field_name")))
                .overFieldValue(text(src.get("over_field_value")))
                .influencers(influences(src.get("influencers")))
                .geoResults(geoResults(src.get("geo_results")));
    }

    private static List<Influence> influences(JsonNode src) {
        if (src == null || !src.isArray()) {
            return null;
        }
        List<Influence> out = new ArrayList<>(src.size());
        for (JsonNode influence : src) {
            List<String> values = new ArrayList<>();
            influence.path("influencer_field_values").forEach(value -> values.add(value.asText()));
            out.add(new Influence().influencerFieldName(influence.path("influencer_field_name").asText())
                    .influencerFieldValues(values));
        }
        return out;
    }

    private static GeoResults geoResults(JsonNode src) {
        if (src == null || !src.isObject()) {
            return null;
        }
        return new GeoResults().actualPoint(text(src.get("actual_point"))).typicalPoint(text(src.get("typical_point")));
    }

    private static AnomalyScoreExplanation explanation(JsonNode src) {
        if (src == null || !src.isObject()) {
            return null;
        }
        AnomalyScoreExplanation out = new AnomalyScoreExplanation()
                .anomalyLength(integer(src.get("anomaly_length")))
                .singleBucketImpact(integer(src.get("single_bucket_impact")))
                .multiBucketImpact(integer(src.get("multi_bucket_impact")))
                .anomalyCharacteristicsImpact(integer(src.get("anomaly_characteristics_impact")))
                .lowerConfidenceBound(number(src.get("lower_confidence_bound")))
                .typicalValue(number(src.get("typical_value")))
                .upperConfidenceBound(number(src.get("upper_confidence_bound")))
                .highVariancePenalty(bool(src.get("high_variance_penalty")))
                .incompleteBucketPenalty(bool(src.get("incomplete_bucket_penalty")));
        String anomalyType = text(src.get("anomaly_type"));
        if (anomalyType != null) {
            // A type the spec does not list is dropped like an unknown stored field.
            ifKnown(anomalyType, out::anomalyType);
        }
        return out;
    }

    private static void ifKnown(String anomalyType, Consumer<AnomalyScoreExplanation.AnomalyTypeEnum> set) {
        for (AnomalyScoreExplanation.AnomalyTypeEnum known : AnomalyScoreExplanation.AnomalyTypeEnum.values()) {
            if (known.getValue().equals(anomalyType)) {
                set.accept(known);
            }
        }
    }

    /**
     * One key per analysed field name, holding its distinct values in first-seen order. Elasticsearch collects them in
     * a {@code java.util.HashMap} ({@code AnomalyRecord.inputFieldMap}) and writes them in its iteration order, so they
     * are collected the same way, in the same sequence (by, over, partition, then each influencer's values), and the
     * model keeps the order they are put in.
     */
    private static Map<String, Set<String>> dynamicKeys(JsonNode src) {
        Map<String, Set<String>> keys = new HashMap<>();
        addDynamic(keys, src.get("by_field_name"), src.get("by_field_value"));
        addDynamic(keys, src.get("over_field_name"), src.get("over_field_value"));
        addDynamic(keys, src.get("partition_field_name"), src.get("partition_field_value"));
        for (JsonNode influence : src.path("influencers")) {
            for (JsonNode value : influence.path("influencer_field_values")) {
                addDynamic(keys, influence.get("influencer_field_name"), value);
            }
        }
        return keys;
    }

    private static void addDynamic(Map<String, Set<String>> keys, JsonNode name, JsonNode value) {
        if (name == null || name.isNull() || name.asText().isEmpty() || value == null || value.isNull()) {
            return;
        }
        if (!ResultsMapping.isReserved(name.asText())) {
            keys.computeIfAbsent(name.asText(), k -> new LinkedHashSet<>()).add(value.asText());
        }
    }

    private static Long timestamp(JsonNode src) {
        JsonNode value = src.get("timestamp");
        return value == null ? null : value.isNumber() ? Long.valueOf(value.asLong()) : Dates.parseDate(value.asText());
    }

    /** A scalar as text (numbers and booleans too); null for an absent, null or container value. */
    private static String text(JsonNode value) {
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    /** Numbers (a lone number becomes a one-element array), each read leniently; null when absent. */
    private static List<Double> doubles(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        List<Double> numbers = new ArrayList<>(value.isArray() ? value.size() : 1);
        if (value.isArray()) {
            value.forEach(number -> numbers.add(number.asDouble()));
        } else {
            numbers.add(value.asDouble());
        }
        return numbers;
    }

    private static Double number(JsonNode value) {
        return isNumeric(value) ? value.asDouble() : null;
    }

    private static Integer integer(JsonNode value) {
        return isNumeric(value) ? value.asInt() : null;
    }

    private static Boolean bool(JsonNode value) {
        return value == null || value.isNull() ? null : value.asBoolean();
    }

    private static boolean isNumeric(JsonNode value) {
        return value != null && (value.isNumber() || value.isTextual() && value.asText().matches("-?[0-9.eE+-]+"));
    }
}
