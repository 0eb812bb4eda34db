package io.anomalykit.server.http;

import io.anomalykit.server.error.EsException;
import io.vertx.core.http.HttpMethod;

import java.util.List;
import java.util.Set;

/**
 * APIs Elasticsearch 8.19 has (routes of its REST handlers, as rest-api-spec lists them) that this server does not
 * offer. A request for one of them is refused, naming the API and saying what the server does serve, instead of
 * Elasticsearch's "no handler found" answer for a path it does not know — which a client could take for a typo or a
 * version mismatch — or, where the path also fits a route with a parameter ({@code _security/user/_has_privileges}
 * and {@code _security/user/{username}}), instead of being taken for that route. Paths Elasticsearch does not have keep
 * "no handler found". Role mappings have their own refusal ({@code SecurityEndpoints.roleMappingsUnsupported}).
 */
final class OutOfScopeApis {

    /** The area an API belongs to, and what of it the server serves. */
    enum Area {
        ML("of the machine learning APIs it serves only anomaly detection job create, get and delete and the records "
                + "and influencers results"),
        SECURITY("of the security APIs it serves only _authenticate, users, roles and API keys"),
        CLUSTER("of the cluster APIs it serves only GET / and _cluster/health"),
        INDICES("of the index APIs it serves only deleting a results index, _refresh and _count; a results index comes "
                + "into being with its first document");

        private final String served;

        Area(String served) {
            this.served = served;
        }
    }

    /**
     * A route Elasticsearch serves and this server refuses: its path (Vert.x form) and Elasticsearch's methods.
     *
     * @param othersGoOn whether another method goes on to the routes after it, because Elasticsearch has another route
     *                   that fits the same path (a literal segment where a parameter also fits) or another handler for
     *                   other methods on it; otherwise another method is a 405 naming these methods
     */
    record Api(Area area, String path, Set<HttpMethod> methods, boolean othersGoOn) {
    }

    private static final String JOB = AnomalyRoutes.ML;
    private static final String DATAFEED = "/_ml/datafeeds/:datafeed_id";
    private static final String SNAPSHOT = JOB + "/model_snapshots/:snapshot_id";
    private static final Set<HttpMethod> GET = Set.of(HttpMethod.GET);
    private static final Set<HttpMethod> POST = Set.of(HttpMethod.POST);
    private static final Set<HttpMethod> GET_POST = Set.of(HttpMethod.GET, HttpMethod.POST);

    /**
     * Mounted before the routes they share paths with: the job routes would otherwise take {@code _stats},
     * {@code _estimate_model_memory} and {@code _validate} for job ids, and the user routes
     * {@code _has_privileges} and {@code _privileges} for user names.
     */
    static final List<Api> APIS = List.of(
            ml("/_ml/anomaly_detectors/_stats", GET, true),
            ml("/_ml/anomaly_detectors/_estimate_model_memory", POST, true),
            ml("/_ml/anomaly_detectors/_validate", POST, true),
            ml("/_ml/anomaly_detectors/_validate/detector", POST, false),
            ml(JOB + "/_stats", GET, false),
            ml(JOB + "/_open", POST, false),
            ml(JOB + "/_close", POST, false),
            ml(JOB + "/_update", POST, false),
            ml(JOB + "/_flush", POST, false),
            ml(JOB + "/_data", POST, false),
            ml(JOB + "/_reset", POST, false),
            ml(JOB + "/_forecast", Set.of(HttpMethod.POST, HttpMethod.DELETE), false),
            ml(JOB + "/_forecast/:forecast_id", Set.of(HttpMethod.DELETE), false),
            ml(JOB + "/model_snapshots", GET_POST, false),
            ml(SNAPSHOT, Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.DELETE), false),
            ml(SNAPSHOT + "/_update", POST, false),
            ml(SNAPSHOT + "/_revert", POST, false),
            ml(SNAPSHOT + "/_upgrade", POST, false),
            ml(SNAPSHOT + "/_upgrade/_stats", GET, false),
            ml(JOB + "/results/buckets", GET_POST, false),
            ml(JOB + "/results/buckets/:timestamp", GET_POST, false),
            ml(JOB + "/results/categories", GET_POST, false),
            ml(JOB + "/results/categories/:category_id", GET_POST, false),
            ml(JOB + "/results/overall_buckets", GET_POST, false),
            ml("/_ml/datafeeds", GET, false),
            ml("/_ml/datafeeds/_stats", GET, true),
            ml("/_ml/datafeeds/_preview", GET_POST, true),
            ml(DATAFEED, Set.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.DELETE), false),
            ml(DATAFEED + "/_stats", GET, false),
            ml(DATAFEED + "/_start", POST, false),
            ml(DATAFEED + "/_stop", POST, false),
            ml(DATAFEED + "/_update", POST, false),
            ml(DATAFEED + "/_preview", GET_POST, false),
            // Application privileges (security.get_privileges, put_privileges, delete_privileges,
            // get_builtin_privileges) and the privilege checks (has_privileges, get_user_privileges).
            security("/_security/privilege", Set.of(HttpMethod.GET, HttpMethod.PUT, HttpMethod.POST), false),
            security("/_security/privilege/_builtin", GET, true),
            security("/_security/privilege/:application", GET, false),
            security("/_security/privilege/:application/:name", Set.of(HttpMethod.GET, HttpMethod.DELETE), false),
            security("/_security/user/_has_privileges", GET_POST, true),
            security("/_security/user/:username/_has_privileges", GET_POST, false),
            security("/_security/user/_privileges", GET, true),
            // The query APIs (security.query_role, query_user, query_api_keys) and the bulk role APIs
            // (security.bulk_put_role, bulk_delete_role; GET _security/role is served).
            security("/_security/_query/role", GET_POST, false),
            security("/_security/_query/user", GET_POST, false),
            security("/_security/_query/api_key", GET_POST, false),
            security("/_security/role", Set.of(HttpMethod.POST, HttpMethod.DELETE), true),
            // cluster.get_settings, cluster.put_settings: this server has no dynamic cluster settings.
            new Api(Area.CLUSTER, "/_cluster/settings", Set.of(HttpMethod.GET, HttpMethod.PUT), false));

    /**
     * indices.create ({@code PUT /{index}}): mounted after every served route, since its path fits any one-segment
     * path.
     */
    static final Api INDEX_CREATION = new Api(Area.INDICES, "/:index", Set.of(HttpMethod.PUT), true);

    private OutOfScopeApis() {
    }

    private static Api ml(String path, Set<HttpMethod> methods, boolean othersGoOn) {
        return new Api(Area.ML, path, methods, othersGoOn);
    }

    private static Api security(String path, Set<HttpMethod> methods, boolean othersGoOn) {
        return new Api(Area.SECURITY, path, methods, othersGoOn);
    }

    /** The refusal: 400, naming the API asked for (method and path, without the query string). */
    static EsException refusal(Area area, HttpMethod method, String path) {
        return EsException.illegalArgument("[" + method + " " + path + "] is not offered by this server: " + area.served);
    }
}
