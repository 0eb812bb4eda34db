package io.anomalykit.server.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.model.spec.OpenApiSpec;

import java.util.ArrayList;
import java.util.List;

/** The two kinds of result the APIs return, with what differs between them. */
public enum ResultType {
    RECORD("record", "records", "record_score", "cluster:monitor/xpack/ml/job/results/records/get", "RecordsSort"),
    INFLUENCER("influencer", "influencers", "influencer_score", "cluster:monitor/xpack/ml/job/results/influencers/get",
            "InfluencersSort");

    private final String value;
    private final String arrayField;
    private final String scoreField;
    private final String action;
    private final List<String> tieBreakers;

    /** @param sortParameter the spec's {@code sort} parameter of this type, whose {@code x-tie-breakers} apply */
    ResultType(String value, String arrayField, String scoreField, String action, String sortParameter) {
        this.value = value;
        this.arrayField = arrayField;
        this.scoreField = scoreField;
        this.action = action;
        this.tieBreakers = tieBreakers(sortParameter);
    }

    private static List<String> tieBreakers(String sortParameter) {
        JsonNode fields = OpenApiSpec.tree().at("/components/parameters/" + sortParameter + "/x-tie-breakers");
        if (!fields.isArray()) {
            throw new IllegalStateException("the contract's " + sortParameter + " has no x-tie-breakers");
        }
        List<String> names = new ArrayList<>();
        fields.forEach(field -> names.add(field.asText()));
        return List.copyOf(names);
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

    /** The fields that break ties of the sort field, in order and in its direction (Elasticsearch's secondary sorts). */
    List<String> tieBreakers() {
        return tieBreakers;
    }
}
