package io.anomalykit.benchmarks;

import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsQuery;
import io.anomalykit.server.query.ResultsRequest;

import java.util.List;

/**
 * The seven queries of shared/reference/storage-notes.md on one job, each as the records API body a user sends and as
 * the resolved store query (with Elasticsearch's tie-breakers) the server runs for it. All exclude interim results.
 */
final class Queries {

    record Query(String name, String description, String body, ResultsQuery resolved) {
    }

    private Queries() {
    }

    static List<Query> on(String jobId) {
        long windowStart = ResultsGenerator.FIRST_BUCKET
                + (long) (ResultsGenerator.BUCKETS * 0.45) * ResultsGenerator.BUCKET_SPAN_MILLIS;
        long windowEnd = windowStart + (long) (ResultsGenerator.BUCKETS * 0.10) * ResultsGenerator.BUCKET_SPAN_MILLIS;
        return List.of(
                query(jobId, "Q1", "top 100 by record_score over the whole job", "record_score", true, null, null, 0, 0, 100),
                query(jobId, "Q2", "Q1 in a 10% time window", "record_score", true, windowStart, windowEnd, 0, 0, 100),
                query(jobId, "Q3", "record_score >= 90", "record_score", true, null, null, 90, 0, 100),
                query(jobId, "Q4", "from 9900, size 100", "record_score", true, null, null, 0, 9_900, 100),
                query(jobId, "Q5", "count only, record_score >= 50", "record_score", true, null, null, 50, 0, 0),
                query(jobId, "Q6", "timestamp ascending, record_score >= 10", "timestamp", false, null, null, 10, 0, 100),
                query(jobId, "Q7", "probability ascending, size 10000", "probability", false, null, null, 0, 0, 10_000));
    }

    private static Query query(String jobId, String name, String description, String sort, boolean desc, Long start,
                               Long end, double threshold, int from, int size) {
        StringBuilder body = new StringBuilder("{\"sort\":\"").append(sort).append("\",\"desc\":").append(desc)
                .append(",\"exclude_interim\":true,\"page\":{\"from\":").append(from).append(",\"size\":").append(size)
                .append('}');
        if (threshold > 0) {
            body.append(",\"record_score\":").append(threshold);
        }
        if (start != null) {
            body.append(",\"start\":\"").append(start).append("\",\"end\":\"").append(end).append('"');
        }
        body.append('}');
        ResultsQuery resolved = new ResultsRequest(jobId, ResultType.RECORD, start == null ? null : start.toString(),
                end == null ? null : end.toString(), true, from, size, threshold, sort, desc).resolve(0);
        return new Query(name, description, body.toString(), resolved);
    }
}
