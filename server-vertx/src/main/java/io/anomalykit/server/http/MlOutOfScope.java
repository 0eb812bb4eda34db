package io.anomalykit.server.http;

import io.anomalykit.server.error.EsException;
import io.vertx.core.http.HttpMethod;

import java.util.List;
import java.util.Set;

/**
 * The anomaly detection and datafeed APIs Elasticsearch 8.19 has (its {@code RestXxxAction} routes in the ML plugin)
 * that this server does not offer: running jobs (open, close, flush, post data, forecast, reset), job statistics and
 * updates, model snapshots, the other results types, and datafeeds. A request for one of them is refused, naming the
 * API, instead of Elasticsearch's "no handler found" answer for a path it does not know — which a client could take for
 * a typo or a version mismatch. Paths Elasticsearch does not have keep that answer.
 */
final class MlOutOfScope {

    private static final String JOB = "/_ml/anomaly_detectors/:job_id";
    private static final String DATAFEED = "/_ml/datafeeds/:datafeed_id";
    private static final String SNAPSHOT = JOB + "/model_snapshots/:snapshot_id";
    private static final Set<HttpMethod> GET = Set.of(HttpMethod.GET);
    private static final Set<HttpMethod> POST = Set.of(HttpMethod.POST);
    private static final Set<HttpMethod> GET_POST = Set.of(HttpMethod.GET, HttpMethod.POST);

    /** A route Elasticsearch serves and this server refuses: its path (Vert.x form) and Elasticsearch's methods. */
    record Api(String path, Set<HttpMethod> methods) {
    }

    /**
     * Before the job routes, which would otherwise take {@code _stats}, {@code _estimate_model_memory} and
     * {@code _validate} for job ids.
     */
    static final List<Api> APIS = List.of(
            new Api("/_ml/anomaly_detectors/_stats", GET),
            new Api("/_ml/anomaly_detectors/_estimate_model_memory", POST),
            new Api("/_ml/anomaly_detectors/_validate", POST),
            new Api("/_ml/anomaly_detectors/_validate/detector", POST),
            new Api(JOB + "/_stats", GET),
            new Api(JOB + "/_open", POST),
            new Api(JOB + "/_close", POST),
            new Api(JOB + "/_update", POST),
            new Api(JOB + "/_flush", POST),
            new Api(JOB + "/_data", POST),
            new Api(JOB + "/_reset", POST),
            new Api(JOB + "/_forecast", Set.of(HttpMethod.POST, HttpMethod.DELETE)),
            new Api(JOB + "/_forecast/:forecast_id", Set.of(HttpMethod.DELETE)),
            new Api(JOB + "/model_snapshots", GET_POST),
            new Api(SNAPSHOT, Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE)),
            new Api(SNAPSHOT + "/_update", POST),
            new Api(SNAPSHOT + "/_revert", POST),
            new Api(SNAPSHOT + "/_upgrade", POST),
            new Api(SNAPSHOT + "/_upgrade/_stats", GET),
            new Api(JOB + "/results/buckets", GET_POST),
            new Api(JOB + "/results/buckets/:timestamp", GET_POST),
            new Api(JOB + "/results/categories", GET_POST),
            new Api(JOB + "/results/categories/:category_id", GET_POST),
            new Api(JOB + "/results/overall_buckets", GET_POST),
            new Api("/_ml/datafeeds", GET),
            new Api("/_ml/datafeeds/_stats", GET),
            new Api("/_ml/datafeeds/_preview", GET_POST),
            new Api(DATAFEED, Set.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE)),
            new Api(DATAFEED + "/_stats", GET),
            new Api(DATAFEED + "/_start", POST),
            new Api(DATAFEED + "/_stop", POST),
            new Api(DATAFEED + "/_update", POST),
            new Api(DATAFEED + "/_preview", GET_POST));

    private MlOutOfScope() {
    }

    /** The refusal: 400, naming the API asked for (method and path, without the query string). */
    static EsException refusal(HttpMethod method, String path) {
        return EsException.illegalArgument("[" + method + " " + path + "] is not offered by this server: of the machine "
                + "learning APIs it serves only anomaly detection job create, get and delete and the records and "
                + "influencers results");
    }
}
