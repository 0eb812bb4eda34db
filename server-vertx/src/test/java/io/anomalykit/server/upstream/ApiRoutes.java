package io.anomalykit.server.upstream;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The REST API specs' routes (rest-api-spec/api/*.json: method and path per API name) for the APIs the upstream suites
 * call, written as a table instead of read from the spec files. An API missing here makes its test an error of the
 * runner, never a failure of the server.
 */
final class ApiRoutes {

    /** A route; {@code bodyMethod} is the method used when a body is sent (the results APIs take GET and POST). */
    record Route(String method, String bodyMethod, String path) {
        private static final Pattern PART = Pattern.compile("\\{([a-z_]+)}");

        Set<String> parts() {
            Matcher parts = PART.matcher(path);
            Set<String> names = new HashSet<>();
            while (parts.find()) {
                names.add(parts.group(1));
            }
            return names;
        }
    }

    private static Route r(String method, String path) {
        return new Route(method, method, path);
    }

    /** GET without a body, POST with one: both of the results APIs' methods are exercised across a suite. */
    private static Route getOrPost(String path) {
        return new Route("GET", "POST", path);
    }

    private static final String JOB = "/_ml/anomaly_detectors/{job_id}";

    /** Routes of each API, most specific first: the first whose path parts are all given is taken. */
    private static final Map<String, List<Route>> ROUTES = Map.ofEntries(
            Map.entry("info", List.of(r("GET", "/"))),
            Map.entry("cluster.health", List.of(r("GET", "/_cluster/health/{index}"), r("GET", "/_cluster/health"))),
            Map.entry("bulk", List.of(r("POST", "/{index}/_bulk"), r("POST", "/_bulk"))),
            Map.entry("index", List.of(r("PUT", "/{index}/_doc/{id}"), r("POST", "/{index}/_doc"))),
            Map.entry("create", List.of(r("PUT", "/{index}/_create/{id}"))),
            Map.entry("get", List.of(r("GET", "/{index}/_doc/{id}"))),
            Map.entry("get_source", List.of(r("GET", "/{index}/_source/{id}"))),
            Map.entry("exists", List.of(r("HEAD", "/{index}/_doc/{id}"))),
            Map.entry("delete", List.of(r("DELETE", "/{index}/_doc/{id}"))),
            Map.entry("count", List.of(r("POST", "/{index}/_count"), r("POST", "/_count"))),
            Map.entry("search", List.of(r("POST", "/{index}/_search"), r("POST", "/_search"))),
            Map.entry("indices.refresh", List.of(r("POST", "/{index}/_refresh"), r("POST", "/_refresh"))),
            Map.entry("indices.delete", List.of(r("DELETE", "/{index}"))),
            Map.entry("indices.create", List.of(r("PUT", "/{index}"))),
            Map.entry("indices.get", List.of(r("GET", "/{index}"))),
            Map.entry("indices.exists", List.of(r("HEAD", "/{index}"))),
            Map.entry("indices.put_alias", List.of(r("PUT", "/{index}/_alias/{name}"))),
            Map.entry("ml.put_job", List.of(r("PUT", JOB))),
            Map.entry("ml.get_jobs", List.of(r("GET", JOB), r("GET", "/_ml/anomaly_detectors"))),
            Map.entry("ml.delete_job", List.of(r("DELETE", JOB))),
            Map.entry("ml.update_job", List.of(r("POST", JOB + "/_update"))),
            Map.entry("ml.open_job", List.of(r("POST", JOB + "/_open"))),
            Map.entry("ml.close_job", List.of(r("POST", JOB + "/_close"))),
            Map.entry("ml.get_job_stats", List.of(r("GET", JOB + "/_stats"), r("GET", "/_ml/anomaly_detectors/_stats"))),
            Map.entry("ml.get_records", List.of(getOrPost(JOB + "/results/records"))),
            Map.entry("ml.get_influencers", List.of(getOrPost(JOB + "/results/influencers"))),
            Map.entry("ml.get_buckets", List.of(getOrPost(JOB + "/results/buckets/{timestamp}"),
                    getOrPost(JOB + "/results/buckets"))),
            Map.entry("security.authenticate", List.of(r("GET", "/_security/_authenticate"))),
            Map.entry("security.put_user", List.of(r("PUT", "/_security/user/{username}"))),
            Map.entry("security.get_user", List.of(r("GET", "/_security/user/{username}"), r("GET", "/_security/user"))),
            Map.entry("security.delete_user", List.of(r("DELETE", "/_security/user/{username}"))),
            Map.entry("security.enable_user", List.of(r("PUT", "/_security/user/{username}/_enable"))),
            Map.entry("security.disable_user", List.of(r("PUT", "/_security/user/{username}/_disable"))),
            Map.entry("security.change_password", List.of(r("PUT", "/_security/user/{username}/_password"),
                    r("PUT", "/_security/user/_password"))),
            Map.entry("security.put_role", List.of(r("PUT", "/_security/role/{name}"))),
            Map.entry("security.get_role", List.of(r("GET", "/_security/role/{name}"), r("GET", "/_security/role"))),
            Map.entry("security.delete_role", List.of(r("DELETE", "/_security/role/{name}"))),
            Map.entry("security.create_api_key", List.of(r("PUT", "/_security/api_key"))),
            Map.entry("security.get_api_key", List.of(r("GET", "/_security/api_key"))),
            Map.entry("security.invalidate_api_key", List.of(r("DELETE", "/_security/api_key"))),
            Map.entry("security.put_privileges", List.of(r("PUT", "/_security/privilege"))),
            Map.entry("security.delete_privileges", List.of(r("DELETE", "/_security/privilege/{application}/{name}"))),
            Map.entry("security.clear_api_key_cache", List.of(r("POST", "/_security/api_key/{ids}/_clear_cache"))),
            Map.entry("security.query_role", List.of(r("POST", "/_security/_query/role"))),
            Map.entry("ml.put_datafeed", List.of(r("PUT", "/_ml/datafeeds/{datafeed_id}"))),
            Map.entry("ml.get_datafeeds", List.of(r("GET", "/_ml/datafeeds/{datafeed_id}"), r("GET", "/_ml/datafeeds"))),
            Map.entry("cluster.put_settings", List.of(r("PUT", "/_cluster/settings"))),
            Map.entry("security.has_privileges", List.of(r("POST", "/_security/user/_has_privileges"))),
            Map.entry("security.get_user_privileges", List.of(r("GET", "/_security/user/_privileges"))));

    private ApiRoutes() {
    }

    /** The route for a call with these parameters, or null when the API is not in the table. */
    static Route route(String api, Set<String> params) {
        List<Route> routes = ROUTES.get(api);
        if (routes == null) {
            return null;
        }
        return routes.stream().filter(route -> params.containsAll(route.parts())).findFirst().orElse(null);
    }

    /** Whether the API's body is newline-delimited JSON rather than one document. */
    static boolean ndjson(String api) {
        return api.equals("bulk");
    }
}
