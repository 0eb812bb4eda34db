package io.anomalykit.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.store.SecurityStore;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Users and roles managed through Elasticsearch's security APIs and kept in the server's store. Passwords are kept as
 * bcrypt hashes only.
 */
public final class NativeRealm {

    /** The kind of the native users in the security store. */
    public static final String USERS = "user";
    static final String ROLES = "role";
    /** Reserved users whose password was changed: Elasticsearch keeps those in its native store too. */
    static final String RESERVED = "reserved_user";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecurityStore store;
    private final Map<String, ObjectNode> users = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> reserved = new ConcurrentHashMap<>();
    private final Map<String, ObjectNode> roleDescriptors = new ConcurrentHashMap<>();
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    /** Each user's latest change in flight: the next change of that user starts from what it stored. */
    private final Map<String, Future<?>> userChanges = new HashMap<>();
    private volatile Runnable onChange = () -> { };

    private NativeRealm(SecurityStore store) {
        this.store = store;
    }

    public static Future<NativeRealm> load(SecurityStore store) {
        NativeRealm realm = new NativeRealm(store);
        return store.objects(USERS).compose(users -> {
            realm.users.putAll(users);
            return store.objects(RESERVED);
        }).compose(reserved -> {
            realm.reserved.putAll(reserved);
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

    /**
     * Creates or updates a user; a new user needs a password. Checked as {@code TransportPutUserAction.validateRequest}
     * checks: reserved users, the name rule and role names.
     *
     * @param hashing where a new password is hashed
     * @return true when created
     */
    public Future<Boolean> putUser(String username, UserRequests.PutUser request, CredentialPool hashing) {
        try {
            UserRequests.validatePutUser(username, request.roles());
        } catch (EsException e) {
            return Future.failedFuture(e);
        }
        if (users.get(username) == null && request.password() == null && request.passwordHash() == null) {
            return Future.failedFuture(EsException.of(400, "action_request_validation_exception",
                    "Validation Failed: 1: password must be specified unless you are updating an existing user;"));
        }
        return (request.password() != null ? hashing.hash(request.password())
                : Future.succeededFuture(request.passwordHash()))
                .compose(hash -> oneAtATime(username, () -> storeUser(username, request, hash)));
    }

    private Future<Boolean> storeUser(String username, UserRequests.PutUser request, String hash) {
        ObjectNode existing = users.get(username);
        ObjectNode user = JSON.createObjectNode();
        user.put("username", username);
        ArrayNode roleNames = user.putArray("roles");
        request.roles().forEach(roleNames::add);
        user.set("full_name", request.fullName() != null ? request.fullName() : JSON.nullNode());
        user.set("email", request.email() != null ? request.email() : JSON.nullNode());
        user.set("metadata", request.metadata() != null ? request.metadata() : JSON.createObjectNode());
        user.put("enabled", request.enabled() == null || request.enabled());
        user.put("password_hash", hash != null ? hash : existing.get("password_hash").asText());
        return store.put(USERS, username, user).map(ignored -> {
            users.put(username, user);
            onChange.run();
            return existing == null;
        });
    }

    /**
     * {@code TransportChangePasswordAction.doExecute}: a native or reserved user's password changes; a user of
     * another realm (here the file realm, {@code file/default_file}) cannot be managed through this API; for a user no
     * realm knows, the lookups in the other realms add no error, so Elasticsearch answers an empty validation failure.
     */
    public Future<Void> changePassword(String username, String hash, Predicate<String> fileRealmUser) {
        if (users.containsKey(username) || ReservedUsers.NAMES.contains(username)) {
            return changePasswordHash(username, hash);
        }
        String reason = "Validation Failed: ";
        if (fileRealmUser.test(username)) {
            reason += "1: user [" + username + "] is a(n)file/default_file user and cannot be managed via this API.;";
        }
        return Future.failedFuture(EsException.of(400, "validation_exception", reason));
    }

    /** The password hash a reserved user was given through the change-password API, if it was. */
    Optional<String> reservedPasswordHash(String username) {
        return Optional.ofNullable(reserved.get(username)).filter(user -> user.has("password_hash"))
                .map(user -> user.get("password_hash").asText());
    }

    /** Whether a reserved user may log in: true unless the enable/disable API disabled it. */
    boolean reservedUserEnabled(String username) {
        ObjectNode stored = reserved.get(username);
        return stored == null || stored.path("enabled").asBoolean(true);
    }

    /** Keeps a new password hash for a native user, or for a reserved user as Elasticsearch's native store does. */
    private Future<Void> changePasswordHash(String username, String hash) {
        return changeStoredUser(username, user -> user.put("password_hash", hash));
    }

    /**
     * {@code NativeUsersStore.setEnabled} (after {@code TransportSetEnabledAction}'s checks): a reserved user's flag is
     * kept in the native store, created there if need be; a native user must exist — a missing one, as any user of
     * another realm, is a validation failure.
     */
    public Future<Void> setEnabled(String username, boolean enabled) {
        if (!users.containsKey(username) && !ReservedUsers.NAMES.contains(username)) {
            return Future.failedFuture(EsException.of(400, "validation_exception", "Validation Failed: 1: only existing "
                    + "users can be " + (enabled ? "enabled" : "disabled") + ";"));
        }
        return changeStoredUser(username, user -> user.put("enabled", enabled));
    }

    /** Changes what is stored for a native or reserved user (a reserved user has nothing stored until then). */
    private Future<Void> changeStoredUser(String username, Consumer<ObjectNode> change) {
        return oneAtATime(username, () -> applyChange(username, change));
    }

    /**
     * Runs a change of one user after that user's change in flight, if any, has finished, so that each starts from
     * what the last one stored: a {@code _disable} beside a {@code _password} keeps both.
     */
    private synchronized <T> Future<T> oneAtATime(String username, Supplier<Future<T>> change) {
        Future<?> previous = userChanges.getOrDefault(username, Future.succeededFuture());
        Future<T> next = previous.transform(ignored -> change.get());
        userChanges.put(username, next);
        next.onComplete(done -> {
            synchronized (this) {
                userChanges.remove(username, next);
            }
        });
        return next;
    }

    private Future<Void> applyChange(String username, Consumer<ObjectNode> change) {
        boolean isReserved = ReservedUsers.NAMES.contains(username);
        ObjectNode current = isReserved ? reserved.get(username) : users.get(username);
        ObjectNode changed = current != null ? current.deepCopy() : JSON.createObjectNode().put("enabled", true);
        change.accept(changed);
        return store.put(isReserved ? RESERVED : USERS, username, changed).map(ignored -> {
            (isReserved ? reserved : users).put(username, changed);
            onChange.run();
            return null;
        });
    }

    /** {@code TransportDeleteUserAction}: a reserved user cannot be deleted. */
    public Future<Boolean> deleteUser(String username) {
        if (ReservedUsers.NAMES.contains(username)) {
            return Future.failedFuture(EsException.illegalArgument("user [" + username + "] is reserved and cannot be deleted"));
        }
        return store.delete(USERS, username).map(found -> {
            users.remove(username);
            onChange.run();
            return found;
        });
    }

    /**
     * The get-user API ({@code TransportGetUsersAction}): with no names, every reserved user then every native one;
     * otherwise the reserved users named, then the native ones, each once; never a password hash.
     */
    public Map<String, ObjectNode> describeUsers(List<String> names) {
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        Collection<String> reservedNames = names.isEmpty() ? ReservedUsers.NAMES : names;
        reservedNames.forEach(name -> ReservedUsers.describe(name)
                .ifPresent(user -> found.put(name, user.put("enabled", reservedUserEnabled(name)))));
        Collection<String> nativeNames = names.isEmpty() ? new TreeSet<>(users.keySet()) : names;
        for (String name : nativeNames) {
            ObjectNode user = users.get(name);
            if (user != null && !found.containsKey(name)) {
                ObjectNode shown = user.deepCopy();
                shown.remove("password_hash");
                found.put(name, shown);
            }
        }
        return found;
    }

    /** Creates or updates a role in Elasticsearch's role format. @return true when created */
    public Future<Boolean> putRole(String name, JsonNode descriptor) {
        try {
            validateRole(name, descriptor);
        } catch (EsException e) {
            return Future.failedFuture(e);
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

    /**
     * {@code PutRoleRequest.validate}, which Elasticsearch runs before authorizing the request.
     *
     * @throws EsException a 400 {@code action_request_validation_exception} listing every error
     */
    public static void validateRole(String name, JsonNode descriptor) {
        RequestValidation.failIfAny(Role.validationErrors(name, descriptor));
    }

    /** {@code TransportDeleteRoleAction}: a built-in role cannot be deleted. */
    public Future<Boolean> deleteRole(String name) {
        if (Role.BUILT_IN.containsKey(name)) {
            return Future.failedFuture(EsException.illegalArgument("role [" + name + "] is reserved and cannot be deleted"));
        }
        return store.delete(ROLES, name).map(found -> {
            roleDescriptors.remove(name);
            roles.remove(name);
            onChange.run();
            return found;
        });
    }

    /**
     * The get-role API ({@code TransportGetRolesAction}): with no names, every built-in role then every native one;
     * otherwise the built-in roles named, then the native ones, each in {@code RoleDescriptor.toXContent}'s shape.
     */
    public Map<String, ObjectNode> describeRoles(List<String> names) {
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        Collection<String> builtInNames = names.isEmpty() ? RoleDescriptors.BUILT_IN.keySet() : names;
        builtInNames.stream().filter(RoleDescriptors.BUILT_IN::containsKey)
                .forEach(name -> found.put(name, RoleDescriptors.BUILT_IN.get(name).deepCopy()));
        Collection<String> nativeNames = names.isEmpty() ? new TreeSet<>(roleDescriptors.keySet()) : names;
        for (String name : nativeNames) {
            ObjectNode descriptor = roleDescriptors.get(name);
            if (descriptor != null && !found.containsKey(name)) {
                found.put(name, RoleDescriptors.render(descriptor));
            }
        }
        return found;
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
