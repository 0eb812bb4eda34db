package io.anomalykit.server.query;

import java.util.List;

/** The two kinds of result the APIs return, with what differs between them. */
public enum ResultType {
    RECORD("record", "records", "record_score", "cluster:monitor/xpack/ml/job/results/records/get",
            // Records are tie-broken by these fields, in the direction of the primary sort.
            List.of("record_score", "over_field_value", "partition_field_value", "by_field_value", "field_name", "function")),
    INFLUENCER("influencer", "influencers", "influencer_score", "cluster:monitor/xpack/ml/job/results/influencers/get",
            List.of());

    private final String value;
    private final String arrayField;
    private final String scoreField;
    private final String action;
    private final List<String> tieBreakers;

    ResultType(String value, String arrayField, String scoreField, String action, List<String> tieBreakers) {
        this.value = value;
        this.arrayField = arrayField;
        this.scoreField = scoreField;
        this.action = action;
        this.tieBreakers = tieBreakers;
    }

    /** The {@code result_type} value in stored documents. */
    public String value() {
        return value;
    }

    /** The name of the result array in responses. */
    public String arrayField() {
        return arrayField;
    }

    /** The score field: threshold parameter, default sort field. */
    public String scoreField() {
        return scoreField;
    }

    /** The Elasticsearch transport action name, also the name of the body parser in error messages. */
    public String action() {
        return action;
    }

    List<String> tieBreakers() {
        return tieBreakers;
    }
}
