package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.query.ResultsQuery;

import java.util.Map;

/**
 * The index template of Elasticsearch's ML results indices, reduced to what the results APIs read: the type of every
 * known result field as the spec's {@code ResultDocument} gives it (the table {@link ResultsMapping} reads), nested
 * and disabled objects included, and strings mapped as keywords whatever their name, as the ML results mappings map
 * dynamic fields.
 */
final class ClusterMappings {

    static final String TEMPLATE = "anomalykit-ml-anomalies";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ClusterMappings() {
    }

    static ObjectNode resultsTemplate(String refreshInterval) {
        ObjectNode template = NODES.objectNode();
        template.putArray("index_patterns").add(".ml-anomalies-*");
        // Below Elasticsearch's own ML results template, so that it wins wherever it exists.
        template.put("priority", 100);
        ObjectNode body = template.putObject("template");
        body.putObject("settings").putObject("index").put("hidden", true).put("number_of_shards", 1)
                .put("auto_expand_replicas", "0-1").put("refresh_interval", refreshInterval)
                .put("max_result_window", ResultsQuery.MAX_RESULT_WINDOW);
        ObjectNode mappings = body.putObject("mappings");
        ObjectNode strings = mappings.putArray("dynamic_templates").addObject().putObject("strings_as_keywords");
        strings.put("match", "*");
        strings.put("match_mapping_type", "string");
        strings.putObject("mapping").put("type", "keyword");
        ObjectNode properties = mappings.putObject("properties");
        for (ResultsMapping.MappedField field : ResultsMapping.mappedFields()) {
            properties.set(field.name(), mapping(field.kind(), field.esType(), field.enabled(), field.properties()));
        }
        return template;
    }

    private static ObjectNode mapping(ResultsMapping.Kind kind, String esType, boolean enabled,
            Map<String, ResultsMapping.Kind> inner) {
        ObjectNode mapping = NODES.objectNode();
        switch (kind) {
            case NUMBER -> mapping.put("type", "double");
            // Epoch milliseconds first: with the default order a short number such as 1000 reads as a year.
            case DATE -> mapping.put("type", "date").put("format", "epoch_millis||strict_date_optional_time");
            case BOOLEAN -> mapping.put("type", "boolean");
            case KEYWORD -> mapping.put("type", "keyword");
            case OBJECT -> {
                // Kept in the source; ML maps the ones searched across (influencers) as nested.
                mapping.put("type", esType);
                if (!enabled) {
                    mapping.put("enabled", false);
                }
                if (!inner.isEmpty()) {
                    ObjectNode properties = mapping.putObject("properties");
                    inner.forEach((name, innerKind) -> properties.set(name, mapping(innerKind, "object", true,
                            Map.of())));
                }
            }
        }
        return mapping;
    }
}
