package io.anomalykit.server.http;

import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

/**
 * The one node this server poses as: its name ({@code GET /}) and its id (the {@code node} of a shard failure), both
 * drawn when the routes are mounted. Ids are written as Elasticsearch writes them: 22 characters of URL-safe base64.
 */
record NodeIdentity(String name, String id) {

    private static final String KEY = "anomalykit.node";
    /** For bodies written outside a request. */
    static final NodeIdentity UNNAMED = new NodeIdentity("anomalykit", base64(new UUID(0, 0)));

    static NodeIdentity random() {
        return new NodeIdentity("anomalykit-" + UUID.randomUUID().toString().substring(0, 8), base64(UUID.randomUUID()));
    }

    static String base64(UUID uuid) {
        byte[] bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    void attach(RoutingContext rc) {
        rc.put(KEY, this);
    }

    static NodeIdentity of(RoutingContext rc) {
        NodeIdentity node = rc.get(KEY);
        return node == null ? UNNAMED : node;
    }
}
