package io.anomalykit.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The reserved realm's built-in users as Elasticsearch lists them ({@code ReservedRealm.users}, {@code ElasticUser},
 * {@code KibanaUser}, {@code KibanaSystemUser}, {@code LogstashSystemUser}, {@code BeatsSystemUser},
 * {@code APMSystemUser}, {@code RemoteMonitoringUser}): their roles, and the metadata that marks them reserved
 * ({@code MetadataUtils.DEFAULT_RESERVED_METADATA}, and {@code getDeprecatedReservedMetadata} for {@code kibana}).
 */
final class ReservedUsers {

    private record Reserved(String name, List<String> roles, String deprecatedReason) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<Reserved> USERS = List.of(
            new Reserved("elastic", List.of("superuser"), null),
            new Reserved("kibana", List.of("kibana_system"), "Please use the [kibana_system] user instead."),
            new Reserved("kibana_system", List.of("kibana_system"), null),
            new Reserved("logstash_system", List.of("logstash_system"), null),
            new Reserved("beats_system", List.of("beats_system"), null),
            new Reserved("apm_system", List.of("apm_system"), null),
            new Reserved("remote_monitoring_user", List.of("remote_monitoring_collector", "remote_monitoring_agent"), null));

    /** {@code ClientReservedRealm.isReserved}: the names, in the order Elasticsearch lists the users. */
    static final Set<String> NAMES;

    static {
        Set<String> names = new LinkedHashSet<>();
        USERS.forEach(user -> names.add(user.name()));
        NAMES = Collections.unmodifiableSet(names);
    }

    private ReservedUsers() {
    }

    /** The roles a reserved user has; none for a name that is not reserved. */
    static List<String> roles(String name) {
        return USERS.stream().filter(user -> user.name().equals(name)).findFirst().map(Reserved::roles).orElse(List.of());
    }

    /** The user as the get-user API and {@code _authenticate} show it, enabled as Elasticsearch's are by default. */
    static Optional<ObjectNode> describe(String name) {
        return USERS.stream().filter(user -> user.name().equals(name)).findFirst().map(ReservedUsers::render);
    }

    private static ObjectNode render(Reserved user) {
        ObjectNode shown = JSON.createObjectNode().put("username", user.name());
        user.roles().forEach(shown.putArray("roles")::add);
        shown.putNull("full_name");
        shown.putNull("email");
        ObjectNode metadata = shown.putObject("metadata");
        if (user.deprecatedReason() != null) {
            metadata.put("_deprecated_reason", user.deprecatedReason());
        }
        metadata.put("_reserved", true);
        if (user.deprecatedReason() != null) {
            metadata.put("_deprecated", true);
        }
        shown.put("enabled", true);
        return shown;
    }
}
