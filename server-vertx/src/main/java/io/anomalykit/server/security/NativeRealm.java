package io.anomalykit.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.store.SecurityStore;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users and roles managed through Elasticsearch's security APIs and kept in the server's store. Passwords are kept as
 * bcrypt hashes only.
 */
public final class NativeRealm {

    static final String USERS = "user";
    static final String ROLES = "role";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MIN_PASSWORD_LENGTH = 6;

    private final SecurityStore store;
    private final Map<String, ObjectNode> users = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> roleDescriptors = new ConcurrentHashMap<>();
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private volatile Runnable onChange = () -> { };

    private NativeRealm(SecurityStore store) {
        this.store = store;
    }

    public static Future<NativeRealm> load(SecurityStore store) {
        NativeRealm realm = new NativeRealm(store);
        return store.objects(USERS).compose(users -> {
            realm.users.putAll(users);
            return store.objects(ROLES);
        }).map(roles -> {
            roles.forEach(realm::cacheRole);
            return realm;
        });
    }

    /** Called after every change, so cached authentications are dropped. */
    void onChange(Runnable listener) {
        onChange = listener;
    }

    Optional<ObjectNode> user(String username) {
        return Optional.ofNullable(users.get(username));
    }

    Map<String, Role> roles() {
        return roles;
    }

    /** Creates or updates a user; a new user needs a password. @return true when created */
    public Future<Boolean> putUser(String username, JsonNode request) {
        if (username.equals("elastic")) {
            return Future.failedFuture(EsException.illegalArgument("user [elastic] is reserved and only the password can be "
                    + "changed"));
        }
        ObjectNode existing = users.get(username);
        String password = request.path("password").asText(null);
        if (existing == null && password == null) {
            return Future.failedFuture(EsException.of(400, "action_request_validation_exception",
                    "Validation Failed: 1: password must be specified unless you are updating an existing user;"));
        }
        if (password != null && password.length() < MIN_PASSWORD_LENGTH) {
            return Future.failedFuture(EsException.of(400, "action_request_validation_exception",
                    "Validation Failed: 1: passwords must be at least [" + MIN_PASSWORD_LENGTH + "] characters long;"));
        }
        ObjectNode user = JSON.createObjectNode();
        user.put("username", username);
        ArrayNode roleNames = user.putArray("roles");
        request.path("roles").forEach(role -> roleNames.add(role.asText()));
        user.set("full_name", request.has("full_name") ? request.get("full_name") : JSON.nullNode());
        user.set("email", request.has("email") ? request.get("email") : JSON.nullNode());
        user.set("metadata", request.path("metadata").isObject() ? request.get("metadata") : JSON.createObjectNode());
        user.put("enabled", request.path("enabled").asBoolean(true));
        user.put("password_hash", password != null ? Security.hash(password) : existing.get("password_hash").asText());
        return store.put(USERS, username, user).map(ignored -> {
            users.put(username, user);
            onChange.run();
            return existing == null;
        });
    }

    public Future<Void> changePassword(String username, String password) {
        ObjectNode user = users.get(username);
        if (user == null) {
            return Future.failedFuture(EsException.of(404, "resource_not_found_exception", "user [" + username
                    + "] does not exist"));
        }
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            return Future.failedFuture(EsException.of(400, "action_request_validation_exception",
                    "Validation Failed: 1: passwords must be at least [" + MIN_PASSWORD_LENGTH + "] characters long;"));
        }
        ObjectNode changed = user.deepCopy().put("password_hash", Security.hash(password));
        return store.put(USERS, username, changed).map(ignored -> {
            users.put(username, changed);
            onChange.run();
            return null;
        });
    }

    public Future<Boolean> deleteUser(String username) {
        return store.delete(USERS, username).map(found -> {
            users.remove(username);
            onChange.run();
            return found;
        });
    }

    /** The user as the get-user API shows it: never the password hash. */
    public Optional<ObjectNode> describeUser(String username) {
        return user(username).map(user -> {
            ObjectNode shown = user.deepCopy();
            shown.remove("password_hash");
            return shown;
        });
    }

    /** Creates or updates a role in Elasticsearch's role format. @return true when created */
    public Future<Boolean> putRole(String name, JsonNode descriptor) {
        if (Role.BUILT_IN.containsKey(name)) {
            return Future.failedFuture(EsException.illegalArgument("role [" + name + "] is reserved and cannot be modified"));
        }
        try {
            Role.parseFile(JSON.createObjectNode().set(name, descriptor));
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(EsException.illegalArgument(e.getMessage()));
        }
        ObjectNode stored = descriptor.isObject() ? ((ObjectNode) descriptor).deepCopy() : JSON.createObjectNode();
        boolean created = !roleDescriptors.containsKey(name);
        return store.put(ROLES, name, stored).map(ignored -> {
            cacheRole(name, stored);
            onChange.run();
            return created;
        });
    }

    public Future<Boolean> deleteRole(String name) {
        return store.delete(ROLES, name).map(found -> {
            roleDescriptors.remove(name);
            roles.remove(name);
            onChange.run();
            return found;
        });
    }

    public Optional<ObjectNode> describeRole(String name) {
        return Optional.ofNullable(roleDescriptors.get(name)).map(ObjectNode::deepCopy);
    }

    private void cacheRole(String name, ObjectNode descriptor) {
        roleDescriptors.put(name, descriptor);
        roles.putAll(Role.parseFile(JSON.createObjectNode().set(name, descriptor)));
    }

    static List<String> roleNames(ObjectNode user) {
        List<String> names = new ArrayList<>();
        user.path("roles").forEach(role -> names.add(role.asText()));
        return names;
    }
}
