package io.anomalykit.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Collections;
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

    /** Elasticsearch's built-in roles that matter for results, read from their descriptors. */
    static final Map<String, Role> BUILT_IN = Collections.unmodifiableMap(parseFile(
            new ObjectMapper().valueToTree(RoleDescriptors.BUILT_IN)));

    boolean grantsCluster(String action) {
        return cluster.stream().anyMatch(name -> grants(Privileges.CLUSTER, name, action));
    }

    boolean grantsIndex(String action, String index) {
        return indices.stream().filter(grant -> grant.covers(index)).flatMap(grant -> grant.privileges().stream())
                .anyMatch(name -> grants(Privileges.INDEX, name, action));
    }

    /** A named privilege, or an action pattern, which grants the actions it matches and their sub-actions. */
    private static boolean grants(Map<String, Privileges.Privilege> named, String name, String action) {
        Privileges.Privilege privilege = named.get(name);
        if (privilege != null) {
            return privilege.grants(action);
        }
        return isActionPattern(name) && java.util.regex.Pattern.matches(glob(name) + ".*", action);
    }

    /**
     * {@code ClusterPrivilegeResolver.isClusterAction} and {@code IndexPrivilege}'s action matcher: a privilege may also
     * be a pattern over action names.
     */
    static boolean isActionPattern(String name) {
        return name.startsWith("cluster:") || name.startsWith("indices:") || name.startsWith("internal:");
    }

    private static String glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (regex.length() > 0 || pattern.startsWith("*")) {
                regex.append(".*");
            }
            regex.append(java.util.regex.Pattern.quote(part));
        }
        return regex.toString();
    }

    /**
     * What {@code PutRoleRequest.validate} finds wrong with a role ({@code NativeRealmValidationUtil.validateRoleName},
     * {@code RoleDescriptorRequestValidator.validate} with {@code ClusterPrivilegeResolver.resolve} and
     * {@code IndexPrivilege.resolveBySelectorAccess}), in Elasticsearch's words. The lists of predefined names are
     * this server's privileges.
     */
    static List<String> validationErrors(String name, JsonNode descriptor) {
        List<String> errors = new ArrayList<>();
        if (name == null) {
            // an API key's role descriptor: its name is not checked
        } else if (!UserRequests.validName(name)) {
            errors.add("Role names must be at least 1 and no more than " + UserRequests.MAX_NAME_LENGTH + " characters. They "
                    + "can contain alphanumeric characters (a-z, A-Z, 0-9), spaces, punctuation, and printable symbols in the "
                    + "Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed.");
        } else if (BUILT_IN.containsKey(name)) {
            errors.add("Role [" + name + "] is reserved and may not be used.");
        }
        for (JsonNode item : descriptor.path("cluster")) {
            String privilege = item.asText().toLowerCase(java.util.Locale.ROOT);
            if (!isActionPattern(privilege) && !Privileges.CLUSTER.containsKey(privilege)) {
                errors.add("unknown cluster privilege [" + privilege + "]. a privilege must be either one of the predefined "
                        + "cluster privilege names [" + String.join(",", Privileges.byAccessLevel(Privileges.CLUSTER))
                        + "] or a pattern over one of the available cluster actions");
            }
        }
        for (JsonNode grant : descriptor.path("indices")) {
            for (JsonNode item : grant.path("privileges")) {
                String privilege = item.asText().toLowerCase(java.util.Locale.ROOT);
                if (!isActionPattern(privilege) && !Privileges.INDEX.containsKey(privilege)) {
                    errors.add("unknown index privilege [" + privilege + "]. a privilege must be either one of the predefined "
                            + "fixed indices privileges [" + String.join(",", new java.util.TreeSet<>(Privileges.INDEX.keySet()))
                            + "] or a pattern over one of the available index actions");
                }
            }
        }
        return errors;
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
            String name = item.asText().toLowerCase(java.util.Locale.ROOT);
            if (!known.contains(name) && !isActionPattern(name)) {
                throw new IllegalArgumentException("role [" + role + "] names an unknown " + what + " [" + item.asText() + "]");
            }
            out.add(name);
        }
        return out;
    }
}
