package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.model.spec.OpenApiSpec;

import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Elasticsearch's machine-learning results index maps, reduced to what a store needs: the type of each known
 * field (how it filters and sorts) and the names reserved for results, which never become dynamic keys. Fields not
 * listed are mapped dynamically from their first value, strings as keywords, as the results index template does.
 *
 * <p>The table is the spec's: the {@code x-es-type} of each property of the {@code ResultDocument} schema, read from
 * the contract on the classpath once, when the class loads. A name that is mapped only inside a nested field (an
 * influence's {@code influencer_field_values}) is known as {@link Kind#OBJECT}: reserved, never indexed at the top
 * level. Every property of the {@code AnomalyRecord} and {@code Influencer} schemas is reserved as well.
 */
final class ResultsMapping {

    enum Kind { NUMBER, DATE, BOOLEAN, KEYWORD, OBJECT }

    private static final String SCHEMAS = "/components/schemas/";

    /**
     * One top-level field of the results mapping as the spec declares it: its Elasticsearch type ({@code x-es-type}),
     * whether an object is indexed at all ({@code x-es-enabled}), and a nested field's own fields.
     */
    record MappedField(String name, Kind kind, String esType, boolean enabled, Map<String, Kind> properties) {
    }

    private static final Map<String, MappedField> MAPPED;
    private static final Map<String, Kind> KNOWN;
    private static final Set<String> RESERVED;

    static {
        JsonNode spec = OpenApiSpec.tree();
        MAPPED = Collections.unmodifiableMap(mappedFields(spec.at(SCHEMAS + "ResultDocument/properties")));
        Map<String, Kind> known = new LinkedHashMap<>();
        MAPPED.values().forEach(field -> field.properties().keySet().forEach(inner -> known.put(inner, Kind.OBJECT)));
        MAPPED.values().forEach(field -> known.put(field.name(), field.kind()));
        KNOWN = Collections.unmodifiableMap(known);
        Set<String> reserved = new HashSet<>(KNOWN.keySet());
        for (String schema : List.of("AnomalyRecord", "Influencer")) {
            spec.at(SCHEMAS + schema + "/properties").fieldNames().forEachRemaining(reserved::add);
        }
        RESERVED = Collections.unmodifiableSet(reserved);
    }

    private ResultsMapping() {
    }

    /** The {@code x-es-*} extensions of a schema's properties, in the spec's order. */
    static Map<String, MappedField> mappedFields(JsonNode properties) {
        if (!properties.isObject() || properties.isEmpty()) {
            throw new IllegalStateException("the contract's ResultDocument declares no properties");
        }
        Map<String, MappedField> fields = new LinkedHashMap<>();
        properties.fields().forEachRemaining(property -> {
            String name = property.getKey();
            String esType = property.getValue().path("x-es-type").asText(null);
            if (esType == null) {
                throw new IllegalStateException("ResultDocument." + name + " has no x-es-type");
            }
            Map<String, Kind> inner = new LinkedHashMap<>();
            property.getValue().path("x-es-properties").fields().forEachRemaining(
                    sub -> inner.put(sub.getKey(), kindOf(name + "." + sub.getKey(), sub.getValue().asText())));
            fields.put(name, new MappedField(name, kindOf(name, esType), esType,
                    property.getValue().path("x-es-enabled").asBoolean(true), Collections.unmodifiableMap(inner)));
        });
        return fields;
    }

    private static Kind kindOf(String field, String esType) {
        return switch (esType) {
            case "double" -> Kind.NUMBER;
            case "date" -> Kind.DATE;
            case "boolean" -> Kind.BOOLEAN;
            case "keyword" -> Kind.KEYWORD;
            case "object", "nested" -> Kind.OBJECT;
            default -> throw new IllegalStateException("x-es-type of " + field + " is not one the stores know: " + esType);
        };
    }

    /** Every known result field. */
    static Set<String> knownFields() {
        return KNOWN.keySet();
    }

    /** The top-level fields of the results mapping, in the spec's order. */
    static Iterable<MappedField> mappedFields() {
        return MAPPED.values();
    }

    /** The fixed kind of a known result field, or null for a dynamic one. */
    static Kind knownKind(String field) {
        return KNOWN.get(field);
    }

    /**
     * Whether a name may not be used as a dynamic key, like Elasticsearch's reserved result field names; a dotted
     * name is judged by its first segment.
     */
    static boolean isReserved(String fieldName) {
        int dot = fieldName.indexOf('.');
        return RESERVED.contains(dot < 0 ? fieldName : fieldName.substring(0, dot));
    }
}
