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
}
