package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

import java.util.Map;
import java.util.TreeMap;

/**
 * Security objects in a search cluster, one document per object in the index {@code .anomalykit-security} (created
 * on first write), so that every server in front of the cluster shares its users, roles and API keys. A read-only
 * store reads them but refuses every change.
 */
public final class ClusterSecurityStore implements SecurityStore {

    static final String INDEX = ".anomalykit-security";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ClusterClient client;

    private ClusterSecurityStore(ClusterClient client) {
        this.client = client;
    }

    /** A store on the cluster; nothing is asked of the cluster until it is used. */
    public static Future<SecurityStore> open(Vertx vertx, ClusterSettings settings) {
        return Future.succeededFuture(new ClusterSecurityStore(new ClusterClient(vertx, settings)));
    }

    @Override
    public Future<Map<String, ObjectNode>> objects(String kind) {
        ObjectNode body = NODES.objectNode();
        body.put("size", 10_000);
        body.putObject("query").putObject("term").put("kind.keyword", kind);
        return client.call(HttpMethod.POST, "/" + INDEX + "/_search", body)
                .map(answer -> {
                    Map<String, ObjectNode> objects = new TreeMap<>();
                    answer.path("hits").path("hits").forEach(hit -> objects.put(hit.path("_source").path("id").asText(),
                            (ObjectNode) hit.path("_source").path("object")));
                    return objects;
                })
                .recover(failure -> ClusterClient.isNotFound(failure) ? Future.succeededFuture(Map.of())
                        : Future.failedFuture(failure));
    }

    @Override
    public Future<Void> put(String kind, String id, ObjectNode object) {
        ObjectNode document = NODES.objectNode().put("kind", kind).put("id", id);
        document.set("object", object);
        return client.unlessReadOnly(() -> client.call(HttpMethod.PUT, documentPath(kind, id), document).mapEmpty());
    }

    @Override
    public Future<Boolean> delete(String kind, String id) {
        return client.unlessReadOnly(() -> client.call(HttpMethod.DELETE, documentPath(kind, id), null)
                .map(true)
                .recover(failure -> ClusterClient.isNotFound(failure) ? Future.succeededFuture(false)
                        : Future.failedFuture(failure)));
    }

    private static String documentPath(String kind, String id) {
        return "/" + INDEX + "/_doc/" + ClusterClient.encode(kind + ":" + id) + "?refresh=true";
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
