package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.ext.web.RoutingContext;


/**
 * {@code GET /} and {@code GET _cluster/health}, answered like a single-node Elasticsearch cluster whose one index is
 * the store: green while every health check is up, red when one is down.
 */
final class ClusterEndpoints {

    private static final String CLUSTER_NAME = "anomalykit";

    private final String nodeName;
    private final String clusterUuid;
    private final Access access;
    private final EmulatedVersion version;
    private final HealthCheck checks;

    ClusterEndpoints(String nodeName, String clusterUuid, Access access, EmulatedVersion version, HealthCheck checks) {
        this.nodeName = nodeName;
        this.clusterUuid = clusterUuid;
        this.access = access;
        this.version = version;
        this.checks = checks;
    }

    void info(RoutingContext rc) {
        RequestContext.params(rc).rejectUnconsumed();
        access.cluster(rc, "cluster:monitor/main");
        Responses.json(rc, 200, infoBody());
    }

    private ObjectNode infoBody() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("name", nodeName);
        body.put("cluster_name", CLUSTER_NAME);
        body.put("cluster_uuid", clusterUuid);
        // The fields and their order of MainResponse.toXContent, alike in 8.19 and 9.x.
        ObjectNode facts = body.putObject("version");
        facts.put("number", version.number());
        facts.put("build_flavor", "default");
        facts.put("build_type", "anomalykit");
        facts.put("build_hash", EmulatedVersion.BUILD_HASH);
        facts.put("build_date", "2026-11-23T00:00:00.000Z");
        facts.put("build_snapshot", false);
        facts.put("lucene_version", version.luceneVersion());
        facts.put("minimum_wire_compatibility_version", version.minimumWireCompatibilityVersion());
        facts.put("minimum_index_compatibility_version", version.minimumIndexCompatibilityVersion());
        body.put("tagline", "You Know, for Search");
        return body;
    }

    /**
     * {@code HEAD /}: the headers of {@code GET /}, with the length of the body it would send
     * ({@code DefaultRestChannel} empties a HEAD answer's body but keeps its content-length).
     */
    void infoHead(RoutingContext rc) {
        access.cluster(rc, "cluster:monitor/main");
        Responses.json(rc, 200, infoBody());
    }

    /** {@code GET _security/_authenticate}: who the credentials belong to, for any authenticated user. */
    void authenticate(RoutingContext rc) {
        RequestContext.params(rc).rejectUnconsumed();
        Responses.json(rc, 200, access.authentication(rc));
    }

    void health(RoutingContext rc) {
        RequestContext.params(rc).accept("level", "local", "master_timeout", "timeout", "wait_for_active_shards",
                "wait_for_events", "wait_for_nodes", "wait_for_no_initializing_shards", "wait_for_no_relocating_shards",
                "wait_for_status").rejectUnconsumed();
        access.cluster(rc, "cluster:monitor/health");
        checks.run().onComplete(done -> Responses.json(rc, 200, healthBody(HealthCheck.allUp(done.result()))));
    }

    /**
     * A red cluster is still answered 200: Elasticsearch's {@code ClusterHealthResponse.status()} is 408 only when the
     * request timed out waiting for a status, and 200 whatever the colour otherwise.
     */
    private static ObjectNode healthBody(boolean up) {
        int active = up ? 1 : 0;
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("cluster_name", CLUSTER_NAME);
        body.put("status", up ? "green" : "red");
        body.put("timed_out", false);
        body.put("number_of_nodes", 1);
        body.put("number_of_data_nodes", 1);
        body.put("active_primary_shards", active);
        body.put("active_shards", active);
        body.put("relocating_shards", 0);
        body.put("initializing_shards", 0);
        body.put("unassigned_shards", 1 - active);
        body.put("unassigned_primary_shards", 1 - active);
        body.put("delayed_unassigned_shards", 0);
        body.put("number_of_pending_tasks", 0);
        body.put("number_of_in_flight_fetch", 0);
        body.put("task_max_waiting_in_queue_millis", 0);
        body.put("active_shards_percent_as_number", up ? 100.0 : 0.0);
        return body;
    }
}
