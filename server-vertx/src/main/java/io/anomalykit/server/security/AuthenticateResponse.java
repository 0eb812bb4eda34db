package io.anomalykit.server.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * What {@code _security/_authenticate} answers, in {@code Authentication.toXContentFragment}'s order: the user
 * ({@code username}, {@code roles}, {@code full_name}, {@code email}, {@code metadata}, {@code enabled}), the
 * {@code authentication_realm} and {@code lookup_realm}, the {@code authentication_type}, and for an API key its
 * {@code api_key} id and name. An API key's user is its owner as they were when the key was made, with no roles
 * ({@code ApiKeyService.validateApiKeyTypeAndExpiration}).
 */
public final class AuthenticateResponse {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AuthenticateResponse() {
    }

    public static ObjectNode of(Security security, Principal principal) {
        boolean apiKey = principal.apiKeyId() != null;
        ObjectNode user = apiKey
                ? security.apiKeys().flatMap(keys -> keys.owner(principal.apiKeyId())).orElseGet(() -> plainUser(principal))
                : user(security, principal);
        ObjectNode body = JSON.createObjectNode().put("username", principal.username());
        if (apiKey) {
            body.putArray("roles");
        } else {
            principal.roles().forEach(body.putArray("roles")::add);
        }
        body.set("full_name", user.path("full_name").isMissingNode() ? JSON.nullNode() : user.get("full_name"));
        body.set("email", user.path("email").isMissingNode() ? JSON.nullNode() : user.get("email"));
        body.set("metadata", user.path("metadata").isObject() ? user.get("metadata") : JSON.createObjectNode());
        body.put("enabled", true);
        body.putObject("authentication_realm").put("name", principal.realmName()).put("type", principal.realm());
        body.putObject("lookup_realm").put("name", principal.realmName()).put("type", principal.realm());
        body.put("authentication_type", apiKey ? "api_key" : "realm");
        if (apiKey) {
            ObjectNode key = body.putObject("api_key").put("id", principal.apiKeyId());
            String name = security.apiKeyName(principal.apiKeyId());
            if (name != null) {
                key.put("name", name);
            }
        }
        return body;
    }

    /**
     * The user behind a realm principal as their realm describes them: a reserved user with its reserved metadata, a
     * native user with what was put, a file-realm user with nothing but a name.
     */
    public static ObjectNode user(Security security, Principal principal) {
        return switch (principal.realm()) {
            case "reserved" -> ReservedUsers.describe(principal.username()).orElseGet(() -> plainUser(principal));
            case "native" -> security.nativeRealm()
                    .flatMap(realm -> realm.describeUsers(List.of(principal.username())).values().stream().findFirst())
                    .orElseGet(() -> plainUser(principal));
            default -> plainUser(principal);
        };
    }

    private static ObjectNode plainUser(Principal principal) {
        ObjectNode user = JSON.createObjectNode().put("username", principal.username());
        principal.roles().forEach(user.putArray("roles")::add);
        user.putNull("full_name");
        user.putNull("email");
        user.putObject("metadata");
        user.put("enabled", true);
        return user;
    }
}
