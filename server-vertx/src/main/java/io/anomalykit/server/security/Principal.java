package io.anomalykit.server.security;

import java.util.List;

/** Who a request runs as: a user and the names of the roles assigned to them. */
public record Principal(String username, List<String> roles, String realm) {

    public Principal {
        roles = List.copyOf(roles);
    }
}
