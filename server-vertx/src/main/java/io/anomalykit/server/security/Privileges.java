package io.anomalykit.server.security;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Elasticsearch's named privileges as the action-name patterns they grant ({@code *} matches any rest of the name).
 * A privilege may exclude patterns: {@code manage} grants every cluster action but the security ones.
 */
final class Privileges {

    /** A named privilege: the patterns it grants and those it leaves out. */
    record Privilege(String name, List<String> grants, List<String> excludes) {
        boolean grants(String action) {
            return grants.stream().anyMatch(p -> matches(p, action)) && excludes.stream().noneMatch(p -> matches(p, action));
        }

        /** Whether this privilege grants everything the other one does. */
        boolean implies(Privilege other) {
            for (String pattern : other.grants) {
                String probe = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) + "x" : pattern;
                if (!grants(probe)) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Not an Elasticsearch action: what an API key action becomes when it is limited to the caller's own keys, granted
     * by {@code manage_own_api_key} and by everything that grants every key action.
     */
    static final String OWN_API_KEYS = "cluster:admin/xpack/security/api_key/own";

    static final Map<String, Privilege> CLUSTER = new LinkedHashMap<>();
    static final Map<String, Privilege> INDEX = new LinkedHashMap<>();

    static {
        cluster("all", List.of("*"), List.of());
        cluster("manage", List.of("cluster:*", "indices:admin/template/*"), List.of("cluster:admin/xpack/security/*"));
        cluster("monitor", List.of("cluster:monitor/*"), List.of());
        cluster("manage_ml", List.of("cluster:admin/xpack/ml/*", "cluster:monitor/xpack/ml/*"), List.of());
        cluster("monitor_ml", List.of("cluster:monitor/xpack/ml/*"), List.of());
        cluster("manage_security", List.of("cluster:admin/xpack/security/*"), List.of());
        cluster("manage_api_key", List.of("cluster:admin/xpack/security/api_key/*"), List.of());
        // ManageOwnApiKeyClusterPrivilege: creating keys, and the other key actions only on the caller's own keys.
        cluster("manage_own_api_key", List.of("cluster:admin/xpack/security/api_key/create", OWN_API_KEYS), List.of());
        cluster("none", List.of(), List.of());
        index("all", List.of("*"));
        index("read", List.of("indices:data/read/*"));
        index("write", List.of("indices:data/write/*"));
        index("index", List.of("indices:data/write/index*", "indices:data/write/bulk*", "indices:data/write/update*"));
        index("create_doc", List.of("indices:data/write/index*", "indices:data/write/bulk*"));
        index("delete", List.of("indices:data/write/delete*", "indices:data/write/bulk*"));
        index("delete_index", List.of("indices:admin/delete", "indices:admin/data_stream/delete"));
        index("view_index_metadata", List.of("indices:admin/get*", "indices:admin/mappings/get*"));
        index("maintenance", List.of("indices:admin/refresh*", "indices:admin/flush*", "indices:admin/forcemerge*"));
        index("manage", List.of("indices:admin/*", "indices:monitor/*"));
        index("none", List.of());
    }

    private Privileges() {
    }

    private static void cluster(String name, List<String> grants, List<String> excludes) {
        CLUSTER.put(name, new Privilege(name, grants, excludes));
    }

    private static void index(String name, List<String> grants) {
        INDEX.put(name, new Privilege(name, grants, List.of()));
    }

    static boolean matches(String pattern, String name) {
        return pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) : pattern.equals(name);
    }

    /** Every named privilege, least privileged first, as {@code ClusterPrivilegeResolver.sortByAccessLevel} orders them. */
    static List<String> byAccessLevel(Map<String, Privilege> privileges) {
        List<Privilege> all = new ArrayList<>(privileges.values());
        Comparator<Privilege> byAccess = Comparator.comparingLong(p -> privileges.values().stream()
                .filter(other -> other != p && p.implies(other)).count());
        all.sort(byAccess.thenComparing(Privilege::name));
        return all.stream().map(Privilege::name).toList();
    }

    /**
     * The named privileges that grant an action, least privileged first: ordered by how many other named privileges each
     * implies, then by name, as Elasticsearch lists them in its 403 messages.
     */
    static List<String> granting(Map<String, Privilege> privileges, String action) {
        List<Privilege> granting = new ArrayList<>();
        for (Privilege privilege : privileges.values()) {
            if (privilege.grants(action)) {
                granting.add(privilege);
            }
        }
        Comparator<Privilege> byAccess = Comparator.comparingLong(p -> privileges.values().stream()
                .filter(other -> other != p && p.implies(other)).count());
        granting.sort(byAccess.thenComparing(Privilege::name));
        return granting.stream().map(Privilege::name).toList();
    }
}
