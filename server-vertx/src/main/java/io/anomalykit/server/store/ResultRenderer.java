package io.anomalykit.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.query.Dates;
import io.anomalykit.server.query.ResultType;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes stored result documents the way Elasticsearch answers them: the document is read leniently (unknown stored
 * fields are dropped, primitives take their defaults), then written in Elasticsearch's field order, with the dynamic
 * keys (one per analysed field, named after it) derived again from the by/over/partition and influencer fields.
 * The store renders each result once, when it is written, so that answering a search is copying bytes. The
 * {@code human} form (a {@code timestamp_string} before {@code timestamp}) is added by whoever answers.
 */
final class ResultRenderer {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Optional record and cause fields, in the order Elasticsearch writes them. */
    private static final List<String> RECORD_OPTIONAL_STRINGS_BEFORE_VALUES = List.of("by_field_name", "by_field_value",
            "correlated_by_field_value", "partition_field_name", "partition_field_value", "function", "function_description");
    private static final List<String> RECORD_OPTIONAL_STRINGS_AFTER_VALUES = List.of("field_name", "over_field_name",
            "over_field_value");
    private static final List<String> EXPLANATION_INTS = List.of("anomaly_length", "single_bucket_impact",
            "multi_bucket_impact", "anomaly_characteristics_impact");
    private static final List<String> EXPLANATION_DOUBLES = List.of("lower_confidence_bound", "typical_value",
            "upper_confidence_bound");
    private static final List<String> EXPLANATION_BOOLEANS = List.of("high_variance_penalty", "incomplete_bucket_penalty");

    private ResultRenderer() {
    }

    static ObjectNode render(ResultType type, ObjectNode source) {
        return type == ResultType.RECORD ? record(source) : influencer(source);
    }

    /** The rendering as compact JSON, what stores keep and answers copy. */
    static byte[] renderJson(ResultType type, ObjectNode source) {
        try {
            return JSON.writeValueAsBytes(render(type, source));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode record(ObjectNode src) {
        ObjectNode out = NODES.objectNode();
        out.put("job_id", src.path("job_id").asText());
        out.put("result_type", "record");
        out.put("probability", src.path("probability").asDouble(0.0));
        if (isNumeric(src.get("multi_bucket_impact"))) {
            out.put("multi_bucket_impact", src.get("multi_bucket_impact").asDouble());
        }
        out.put("record_score", src.path("record_score").asDouble(0.0));
        out.put("initial_record_score", src.path("initial_record_score").asDouble(0.0));
        out.put("bucket_span", src.path("bucket_span").asLong(0));
        out.put("detector_index", src.path("detector_index").asInt(0));
        out.put("is_interim", src.path("is_interim").asBoolean(false));
        timestamp(src, out);
        analysedValues(src, out);
        if (src.path("causes").isArray()) {
            ArrayNode causes = out.putArray("causes");
            src.get("causes").forEach(cause -> causes.add(cause(cause)));
        }
        influencesAndGeo(src, out);
        if (src.path("anomaly_score_explanation").isObject()) {
            out.set("anomaly_score_explanation", explanation(src.get("anomaly_score_explanation")));
        }
        for (Map.Entry<String, Set<String>> dynamic : dynamicKeys(src).entrySet()) {
            ArrayNode values = out.putArray(dynamic.getKey());
            dynamic.getValue().forEach(values::add);
        }
        return out;
    }

    private static ObjectNode influencer(ObjectNode src) {
        ObjectNode out = NODES.objectNode();
        out.put("job_id", src.path("job_id").asText());
        out.put("result_type", "influencer");
        String fieldName = src.path("influencer_field_name").asText(null);
        String fieldValue = src.path("influencer_field_value").asText(null);
        out.put("influencer_field_name", fieldName);
        out.put("influencer_field_value", fieldValue);
        if (fieldName != null && !fieldName.isEmpty() && fieldValue != null && !ResultsMapping.isReserved(fieldName)) {
            out.put(fieldName, fieldValue);
        }
        out.put("influencer_score", src.path("influencer_score").asDouble(0.0));
        out.put("initial_influencer_score", src.path("initial_influencer_score").asDouble(0.0));
        out.put("probability", src.path("probability").asDouble(0.0));
        out.put("bucket_span", src.path("bucket_span").asLong(0));
        out.put("is_interim", src.path("is_interim").asBoolean(false));
        timestamp(src, out);
        return out;
    }

    private static ObjectNode cause(JsonNode src) {
        ObjectNode out = NODES.objectNode();
        out.put("probability", src.path("probability").asDouble(0.0));
        analysedValues(src, out);
        influencesAndGeo(src, out);
        return out;
    }

    /** The fields and values a record and a cause share, in Elasticsearch's order. */
    private static void analysedValues(JsonNode src, ObjectNode out) {
        copyStrings(src, out, RECORD_OPTIONAL_STRINGS_BEFORE_VALUES);
        copyDoubles(src, out, "typical");
        copyDoubles(src, out, "actual");
        copyStrings(src, out, RECORD_OPTIONAL_STRINGS_AFTER_VALUES);
    }

    private static void influencesAndGeo(JsonNode src, ObjectNode out) {
        if (src.path("influencers").isArray()) {
            out.set("influencers", influences(src.get("influencers")));
        }
        if (src.path("geo_results").isObject()) {
            out.set("geo_results", geoResults(src.get("geo_results")));
        }
    }

    private static ArrayNode influences(JsonNode src) {
        ArrayNode out = NODES.arrayNode();
        for (JsonNode influence : src) {
            ObjectNode item = out.addObject();
            item.put("influencer_field_name", influence.path("influencer_field_name").asText());
            ArrayNode values = item.putArray("influencer_field_values");
            influence.path("influencer_field_values").forEach(value -> values.add(value.asText()));
        }
        return out;
    }

    private static ObjectNode geoResults(JsonNode src) {
        ObjectNode out = NODES.objectNode();
        copyStrings(src, out, List.of("actual_point", "typical_point"));
        return out;
    }

    private static ObjectNode explanation(JsonNode src) {
        ObjectNode out = NODES.objectNode();
        copyStrings(src, out, List.of("anomaly_type"));
        for (String field : EXPLANATION_INTS) {
            if (isNumeric(src.get(field))) {
                out.put(field, src.get(field).asInt());
            }
        }
        for (String field : EXPLANATION_DOUBLES) {
            if (isNumeric(src.get(field))) {
                out.put(field, src.get(field).asDouble());
            }
        }
        for (String field : EXPLANATION_BOOLEANS) {
            if (src.has(field) && !src.get(field).isNull()) {
                out.put(field, src.get(field).asBoolean());
            }
        }
        return out;
    }

    /** One key per analysed field name, holding its distinct values in first-seen order. */
    private static Map<String, Set<String>> dynamicKeys(JsonNode src) {
        Map<String, Set<String>> keys = new LinkedHashMap<>();
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

    private static void timestamp(JsonNode src, ObjectNode out) {
        JsonNode value = src.get("timestamp");
        Long millis = value == null ? null : value.isNumber() ? Long.valueOf(value.asLong())
                : Dates.parseDate(value.asText());
        if (millis == null) {
            return;
        }
        out.put("timestamp", millis);
    }

    private static void copyStrings(JsonNode src, ObjectNode out, List<String> fields) {
        for (String field : fields) {
            JsonNode value = src.get(field);
            if (value != null && !value.isNull() && !value.isContainerNode()) {
                out.put(field, value.asText());
            }
        }
    }

    private static void copyDoubles(JsonNode src, ObjectNode out, String field) {
        JsonNode value = src.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        ArrayNode numbers = out.putArray(field);
        if (value.isArray()) {
            value.forEach(number -> numbers.add(number.asDouble()));
        } else {
            numbers.add(value.asDouble());
        }
    }

    private static boolean isNumeric(JsonNode value) {
        return value != null && (value.isNumber() || value.isTextual() && value.asText().matches("-?[0-9.eE+-]+"));
    }
}
