package io.anomalykit.server.store;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What Elasticsearch's machine-learning results index maps, reduced to what a store needs: the type of each known
 * field (how it filters and sorts) and the names reserved for results, which never become dynamic keys. Fields not
 * listed are mapped dynamically from their first value, strings as keywords, as the results index template does.
 */
public final class ResultsMapping {

    public enum Kind { NUMBER, DATE, BOOLEAN, KEYWORD, OBJECT }

    private static final Map<String, Kind> KNOWN = new HashMap<>();

    static {
        for (String number : List.of("probability", "multi_bucket_impact", "record_score", "initial_record_score",
                "influencer_score", "initial_influencer_score", "anomaly_score", "initial_anomaly_score",
                "raw_anomaly_score", "typical", "actual", "bucket_span", "detector_index", "event_count",
                "processing_time_ms", "scheduled_events")) {
            KNOWN.put(number, Kind.NUMBER);
        }
        KNOWN.put("timestamp", Kind.DATE);
        KNOWN.put("is_interim", Kind.BOOLEAN);
        for (String keyword : List.of("job_id", "result_type", "by_field_name", "by_field_value",
                "correlated_by_field_value", "partition_field_name", "partition_field_value", "over_field_name",
                "over_field_value", "function", "function_description", "field_name", "influencer_field_name",
                "influencer_field_value", "mlcategory", "model_feature")) {
            KNOWN.put(keyword, Kind.KEYWORD);
        }
        for (String object : List.of("causes", "influencers", "bucket_influencers", "geo_results",
                "anomaly_score_explanation", "partition_scores", "influencer_field_values")) {
            KNOWN.put(object, Kind.OBJECT);
        }
    }

    private ResultsMapping() {
    }

    /** Every known result field. */
    static Set<String> knownFields() {
        return Collections.unmodifiableSet(KNOWN.keySet());
    }

    /** The fixed kind of a known result field, or null for a dynamic one. */
    public static Kind knownKind(String field) {
        return KNOWN.get(field);
    }

    /**
     * Whether a name may not be used as a dynamic key, like Elasticsearch's reserved result field names; a dotted
     * name is judged by its first segment.
     */
    public static boolean isReserved(String fieldName) {
        int dot = fieldName.indexOf('.');
        String first = dot < 0 ? fieldName : fieldName.substring(0, dot);
        return KNOWN.containsKey(first) || first.equals("timestamp_string");
    }
}
