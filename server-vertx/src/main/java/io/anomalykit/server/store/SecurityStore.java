package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;

import java.util.Map;

/**
 * Where the native realm's users and roles and the API keys are kept: the seam a security backend implements (with
 * {@code SecurityStoreContract} as its test), apart from results, so a results backend need not store security
 * objects. Objects are JSON, grouped by kind ({@code user}, {@code role}, {@code api_key}) and identified by id within
 * their kind. Implementations never block the calling event loop; a write whose future has completed is durable.
 */
public interface SecurityStore {

    /** Every object of one kind, by id, in id order. */
    Future<Map<String, ObjectNode>> objects(String kind);

    /** Creates or replaces an object. */
    Future<Void> put(String kind, String id, ObjectNode object);

    /** @return false if there was no such object */
    Future<Boolean> delete(String kind, String id);

    Future<Void> close();
}
