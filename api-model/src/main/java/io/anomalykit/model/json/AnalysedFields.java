package io.anomalykit.model.json;

import io.anomalykit.model.GeoResults;
import io.anomalykit.model.Influence;

import java.util.List;

/**
 * The fields a record and each of its causes share: what was analysed (by, over and partition fields, the function
 * and the field), its typical and actual values, influences and geographic results. The generated
 * {@code AnomalyRecord} and {@code AnomalyCause} implement it (the spec's {@code x-implements}), so one piece of code
 * can fill either.
 *
 * @param <T> the model itself, returned by each fluent setter
 */
public interface AnalysedFields<T extends AnalysedFields<T>> {

    T byFieldName(String value);

    T byFieldValue(String value);

    T correlatedByFieldValue(String value);

    T partitionFieldName(String value);

    T partitionFieldValue(String value);

    T function(String value);

    T functionDescription(String value);

    T typical(List<Double> values);

    T actual(List<Double> values);

    T fieldName(String value);

    T overFieldName(String value);

    T overFieldValue(String value);

    T influencers(List<Influence> values);

    T geoResults(GeoResults value);
}
