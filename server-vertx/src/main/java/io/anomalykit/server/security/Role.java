package io.anomalykit.server.security;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.LinkedHashSet;

/** A role as Elasticsearch defines one: cluster privileges, and index privileges on index-name patterns. */
record Role(String name, Set<String> cluster, List<IndexGrant> indices) {

    /** Index privileges on the indices whose names match one of the patterns. */
    record IndexGrant(List<String> names, Set<String> privileges) {
        boolean covers(String index) {
            return names.stream().anyMatch(pattern -> Privileges.matches(pattern, index));
        }
    }

    /** Elasticsearch's built-in roles that matter for results (ReservedRolesStore). */
    static final Map<String, Role> BUILT_IN = Map.of(
            "superuser", new Role("superuser", Set.of("all"), List.of(new IndexGrant(List.of("*"), Set.of("all")))),
            "machine_learning_user", new Role("machine_learning_user", Set.of("monitor_ml"), List.of(
                    new IndexGrant(List.of(".ml-anomalies*", ".ml-notifications*"), Set.of("view_index_metadata", "read")),
                    new IndexGrant(List.of(".ml-annotations*"), Set.of("view_index_metadata", "read", "write")))),
            "machine_learning_admin", new Role("machine_learning_admin", Set.of("manage_ml"), List.of(
                    new IndexGrant(List.of(".ml-anomalies*", ".ml-notifications*", ".ml-state*", ".ml-meta*", ".ml-stats-*"),
                            Set.of("view_index_metadata", "read")),
                    new IndexGrant(List.of(".ml-annotations*"), Set.of("view_index_metadata", "read", "write")))));

    boolean grantsCluster(String action) {
        return cluster.stream().map(Privileges.CLUSTER::get).anyMatch(p -> p != null && p.grants(action));
    }

    boolean grantsIndex(String action, String index) {
        return indices.stream().filter(grant -> grant.covers(index)).flatMap(grant -> grant.privileges().stream())
                .map(Privileges.INDEX::get).anyMatch(p -> p != null && p.grants(action));
    }

    /**
     * Roles in Elasticsearch's {@code roles.yml} format: {@code name: {cluster: [...], indices: [{names: [...],
     * privileges: [...]}]}}.
     *
     * @throws IllegalArgumentException naming the role and what is wrong with it
     */
    static Map<String, Role> parseFile(JsonNode root) {
        Map<String, Role> roles = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return roles;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("the roles file must map role names to role descriptors");
        }
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String name = entry.getKey();
            JsonNode descriptor = entry.getValue();
            Set<String> cluster = names(descriptor.path("cluster"), Privileges.CLUSTER.keySet(), "cluster privilege", name);
            List<IndexGrant> indices = new ArrayList<>();
            for (JsonNode grant : descriptor.path("indices")) {
                List<String> patterns = new ArrayList<>();
                grant.path("names").forEach(n -> patterns.add(n.asText()));
                if (grant.path("names").isTextual()) {
                    patterns.add(grant.path("names").asText());
                }
                if (patterns.isEmpty()) {
                    throw new IllegalArgumentException("role [" + name + "] has an index grant without names");
                }
                indices.add(new IndexGrant(patterns, names(grant.path("privileges"), Privileges.INDEX.keySet(),
                        "index privilege", name)));
            }
            roles.put(name, new Role(name, cluster, indices));
        }
        return roles;
    }

    private static Set<String> names(JsonNode list, Set<String> known, String what, String role) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : list) {
            if (!known.contains(item.asText())) {
                throw new IllegalArgumentException("role [" + role + "] names an unknown " + what + " [" + item.asText() + "]");
            }
            out.add(item.asText());
        }
        return out;
    }
}
