package io.anomalykit.server.security;

import java.util.List;

/**
 * Who a request runs as: a user, the names of the roles assigned to them, the realm that vouched for them, and the API
 * key they presented (null when they logged in as themselves).
 */
public record Principal(String username, List<String> roles, String realm, String apiKeyId) {

    public Principal {
        roles = List.copyOf(roles);
    }

    public Principal(String username, List<String> roles, String realm) {
        this(username, roles, realm, null);
    }

    /** The realm's name as Elasticsearch reports it: the type, except the default file and native realms'. */
    public String realmName() {
        return realmName(realm);
    }

    /** {@code RealmSettings.DEFAULT_*}: without realms configured, the file and native realms are default_file and default_native. */
    static String realmName(String type) {
        return switch (type) {
            case "file" -> "default_file";
            case "native" -> "default_native";
            default -> type;
        };
    }
}
