package io.anomalykit.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.store.SecurityStore;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API keys as Elasticsearch issues them: an id and a secret, given to the client once as {@code base64(id:secret)};
 * only a SHA-256 of the secret is kept. A key acts for its owner, limited to the owner's roles at creation and, when it
 * has role descriptors, to those as well. Keys expire and can be invalidated.
 */
public final class ApiKeys {

    static final String KIND = "api_key";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TIME_VALUE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private final SecurityStore store;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, ObjectNode> keys = new ConcurrentHashMap<>();

    private ApiKeys(SecurityStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    public static Future<ApiKeys> load(SecurityStore store, LongSupplier clock) {
        ApiKeys apiKeys = new ApiKeys(store, clock);
        return store.objects(KIND).map(stored -> {
            apiKeys.keys.putAll(stored);
            return apiKeys;
        });
    }

    /**
     * Issues a key for the principal: the answer Elasticsearch gives, with the secret shown this one time.
     *
     * @param ownerDetails the owner as their realm describes them, kept as the key's creator
     * @param request      a request {@link #validateCreate} accepted
     */
    public Future<ObjectNode> create(Principal owner, ObjectNode ownerDetails, JsonNode request) {
        String name = request.get("name").asText();
        Long expiration = null;
        if (request.hasNonNull("expiration")) {
            Matcher time = TIME_VALUE.matcher(request.get("expiration").asText());
            if (!time.matches()) {
                return Future.failedFuture(EsException.illegalArgument("failed to parse setting [expiration] with value ["
                        + request.get("expiration").asText() + "] as a time value: unit is missing or unrecognized"));
            }
            expiration = clock.getAsLong() + millis(Long.parseLong(time.group(1)), time.group(2));
        }
        String id = token(15);
        String secret = token(16);
        ObjectNode key = JSON.createObjectNode().put("id", id).put("name", name).put("owner", owner.username())
                .put("owner_realm", owner.realm()).put("secret_sha256", sha256(secret)).put("creation", clock.getAsLong())
                .put("invalidated", false);
        ArrayNode ownerRoles = key.putArray("owner_roles");
        owner.roles().forEach(ownerRoles::add);
        key.set("role_descriptors", request.path("role_descriptors").isObject() ? request.get("role_descriptors")
                : JSON.createObjectNode());
        key.set("metadata", request.path("metadata").isObject() ? request.get("metadata") : JSON.createObjectNode());
        key.putObject("creator").put("principal", owner.username()).setAll(ownerDetails.retain("full_name", "email",
                "metadata"));
        if (expiration != null) {
            key.put("expiration", expiration);
        }
        Long expires = expiration;
        return store.put(KIND, id, key).map(ignored -> {
            keys.put(id, key);
            ObjectNode answer = JSON.createObjectNode().put("id", id).put("name", name);
            if (expires != null) {
                answer.put("expiration", expires);
            }
            answer.put("api_key", secret);
            answer.put("encoded", Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8)));
            return answer;
        });
    }

    /**
     * {@code CreateApiKeyRequest.validate}: the name (required, at most 256 characters, no surrounding whitespace, no
     * leading underscore), metadata keys without a leading underscore, and each role descriptor as a role is checked.
     */
    public static void validateCreate(JsonNode request) {
        List<String> errors = new ArrayList<>();
        String name = request.path("name").isValueNode() ? request.path("name").asText() : "";
        if (name.isEmpty()) {
            errors.add("api key name is required");
        } else {
            if (name.length() > 256) {
                errors.add("api key name may not be more than 256 characters long");
            }
            if (!name.equals(name.trim())) {
                errors.add("api key name may not begin or end with whitespace");
            }
            if (name.startsWith("_")) {
                errors.add("api key name may not begin with an underscore");
            }
        }
        if (request.path("metadata").isObject()
                && request.get("metadata").properties().stream().anyMatch(field -> field.getKey().startsWith("_"))) {
            errors.add("API key metadata keys may not start with [_]");
        }
        for (Map.Entry<String, JsonNode> descriptor : request.path("role_descriptors").properties()) {
            // RoleDescriptorRequestValidator: the privileges, without the role-name rules of the put-role API.
            errors.addAll(Role.validationErrors(null, descriptor.getValue()));
        }
        RequestValidation.failIfAny(errors);
        try {
            Role.parseFile(request.path("role_descriptors"));
        } catch (IllegalArgumentException e) {
            // a descriptor authorization could not read (an index group without names): refused now, never a 500 later
            throw EsException.illegalArgument(e.getMessage());
        }
    }

    /** {@code GetApiKeyRequest.validate}, which runs before authorization. */
    public static void validateGet(String id, String name, String username, String realmName, boolean owner) {
        List<String> errors = new ArrayList<>();
        boolean byUser = hasText(username) || hasText(realmName);
        if ((hasText(id) || hasText(name)) && byUser) {
            errors.add("username or realm name must not be specified when the api key id or api key name is specified");
        }
        if (owner && byUser) {
            errors.add("neither username nor realm-name may be specified when retrieving owned API keys");
        }
        if (hasText(id) && hasText(name)) {
            errors.add("only one of [api key id, api key name] can be specified");
        }
        RequestValidation.failIfAny(errors);
    }

    private static boolean hasText(String value) {
        return value != null && !value.isBlank();
    }

    /** The key's owner as they were when it was made, for {@code _authenticate}; empty for a key made before that was kept. */
    Optional<ObjectNode> owner(String id) {
        ObjectNode key = keys.get(id);
        return key == null || !key.has("creator") ? Optional.empty() : Optional.of(key.get("creator").deepCopy());
    }

    /**
     * {@code InvalidateApiKeyRequest}'s checks, made before authorization: a request names something; ids or a name
     * exclude a user or realm, and so does {@code owner}; ids and a name exclude each other.
     */
    public static void validateInvalidation(JsonNode request) {
        boolean hasIds = !idsOf(request).isEmpty();
        boolean byKey = hasIds || request.hasNonNull("name");
        boolean byUser = request.hasNonNull("username") || request.hasNonNull("realm_name");
        boolean owner = request.path("owner").asBoolean(false);
        String error = null;
        if (!byKey && !byUser && !owner) {
            error = "One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false";
        } else if (byKey && byUser) {
            error = "username or realm name must not be specified when the api key id(s) or api key name is specified";
        } else if (owner && byUser) {
            error = "neither username nor realm-name may be specified when invalidating owned API keys";
        } else if (hasIds && request.hasNonNull("name")) {
            error = "only one of [api key id(s), api key name] can be specified";
        }
        RequestValidation.failIfAny(error == null ? List.of() : List.of(error));
    }

    /** A request's filters name the caller as owner: the same user name and, when given, the same realm. */
    public static boolean namesCaller(Principal caller, String username, String realmName) {
        return username != null && username.equals(caller.username())
                && (realmName == null || realmName.equals(caller.realmName()));
    }

    /** The key the caller authenticated with, which {@code manage_own_api_key} may always see and invalidate. */
    public static boolean isCallersOwnKey(Principal caller, String id) {
        return id != null && id.equals(caller.apiKeyId());
    }

    /**
     * An invalidation limited to the caller's own keys ({@code ManageOwnApiKeyClusterPrivilege}): {@code owner: true},
     * a user name (and realm) naming the caller, or only the key the caller authenticated with.
     */
    public static boolean limitedToCaller(Principal caller, JsonNode request) {
        if (request.path("owner").asBoolean(false)
                || namesCaller(caller, text(request, "username"), text(request, "realm_name"))) {
            return true;
        }
        Set<String> ids = idsOf(request);
        return ids.size() == 1 && isCallersOwnKey(caller, ids.iterator().next()) && !request.hasNonNull("name");
    }

    private static Set<String> idsOf(JsonNode request) {
        Set<String> ids = new LinkedHashSet<>();
        request.path("ids").forEach(id -> ids.add(id.asText()));
        if (request.hasNonNull("id")) {
            ids.add(request.get("id").asText());
        }
        return ids;
    }

    private static String text(JsonNode request, String field) {
        return request.hasNonNull(field) ? request.get(field).asText() : null;
    }

    /**
     * {@code GET _security/api_key} ({@code ApiKeyService.getApiKeys}, {@code ApiKey.toXContent}): the keys matching
     * every filter given, oldest first; none is an empty list, not an error.
     *
     * @param owner    only the caller's keys: {@code owner=true}
     * @param name     a name, or a prefix ending in {@code *}
     */
    public ObjectNode list(Principal caller, boolean owner, String id, String name, String username, String realmName,
                           boolean activeOnly) {
        String user = owner ? caller.username() : username;
        String realm = owner ? caller.realmName() : realmName;
        ArrayNode listed = JSON.createArrayNode();
        keys.values().stream()
                .filter(key -> id == null || key.get("id").asText().equals(id))
                .filter(key -> name == null || Privileges.matches(name, key.get("name").asText()))
                .filter(key -> user == null || key.get("owner").asText().equals(user))
                .filter(key -> realm == null || Principal.realmName(key.get("owner_realm").asText()).equals(realm))
                .filter(key -> !activeOnly || active(key))
                .sorted(Comparator.comparingLong(key -> key.get("creation").asLong()))
                .forEach(key -> listed.add(describe(key)));
        ObjectNode answer = JSON.createObjectNode();
        answer.set("api_keys", listed);
        return answer;
    }

    private boolean active(ObjectNode key) {
        return !key.get("invalidated").asBoolean()
                && !(key.hasNonNull("expiration") && key.get("expiration").asLong() <= clock.getAsLong());
    }

    private static ObjectNode describe(ObjectNode key) {
        ObjectNode shown = JSON.createObjectNode().put("id", key.get("id").asText()).put("name", key.get("name").asText())
                .put("type", "rest").put("creation", key.get("creation").asLong());
        if (key.hasNonNull("expiration")) {
            shown.put("expiration", key.get("expiration").asLong());
        }
        shown.put("invalidated", key.get("invalidated").asBoolean());
        if (key.hasNonNull("invalidation")) {
            shown.put("invalidation", key.get("invalidation").asLong());
        }
        shown.put("username", key.get("owner").asText());
        shown.put("realm", Principal.realmName(key.get("owner_realm").asText()));
        shown.put("realm_type", key.get("owner_realm").asText());
        shown.set("metadata", key.path("metadata").isObject() ? key.get("metadata") : JSON.createObjectNode());
        ObjectNode descriptors = shown.putObject("role_descriptors");
        key.path("role_descriptors").properties().forEach(entry ->
                descriptors.set(entry.getKey(), RoleDescriptors.render(entry.getValue())));
        return shown;
    }

    /** Invalidates the keys matching every filter: ids, name, the caller's own ({@code owner}), user name, realm. */
    public Future<ObjectNode> invalidate(Principal caller, JsonNode request) {
        Set<String> named = idsOf(request);
        boolean owner = request.path("owner").asBoolean(false);
        String user = owner ? caller.username() : text(request, "username");
        String realm = owner ? caller.realmName() : text(request, "realm_name");
        String name = text(request, "name");
        List<String> ids = keys.values().stream()
                .filter(k -> named.isEmpty() || named.contains(k.get("id").asText()))
                .filter(k -> name == null || k.get("name").asText().equals(name))
                .filter(k -> user == null || k.get("owner").asText().equals(user))
                .filter(k -> realm == null || Principal.realmName(k.get("owner_realm").asText()).equals(realm))
                .map(k -> k.get("id").asText())
                .toList();
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode invalidated = answer.putArray("invalidated_api_keys");
        ArrayNode previously = answer.putArray("previously_invalidated_api_keys");
        Future<Void> chain = Future.succeededFuture();
        for (String id : ids) {
            ObjectNode key = keys.get(id);
            if (key == null) {
                continue;
            }
            if (key.get("invalidated").asBoolean()) {
                previously.add(id);
                continue;
            }
            ObjectNode changed = key.deepCopy().put("invalidated", true).put("invalidation", clock.getAsLong());
            invalidated.add(id);
            chain = chain.compose(ignored -> store.put(KIND, id, changed)).map(ignored -> {
                keys.put(id, changed);
                return null;
            });
        }
        return chain.map(ignored -> answer.put("error_count", 0));
    }

    /** A presented key's principal, or why it was refused, in {@code ApiKeyService}'s words. */
    record Outcome(Principal principal, String failure) {
    }

    /**
     * The principal a presented {@code id:secret} stands for if the key is valid, unexpired and not invalidated,
     * checked in {@code ApiKeyService.validateApiKeyCredentials}'s order: found, not invalidated, the secret, unexpired.
     */
    Outcome authenticate(String id, String secret) {
        ObjectNode key = keys.get(id);
        String presented = sha256(secret);
        String expected = key == null ? sha256("no-such-key") : key.get("secret_sha256").asText();
        boolean same = MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
        if (key == null) {
            return new Outcome(null, "unable to find apikey with id " + id);
        }
        if (key.get("invalidated").asBoolean()) {
            return new Outcome(null, "api key [" + id + "] has been invalidated");
        }
        if (!same) {
            return new Outcome(null, "invalid credentials for API key [" + id + "]");
        }
        if (key.hasNonNull("expiration") && key.get("expiration").asLong() <= clock.getAsLong()) {
            return new Outcome(null, "api key is expired");
        }
        List<String> roles = new ArrayList<>();
        key.get("owner_roles").forEach(role -> roles.add(role.asText()));
        return new Outcome(new Principal(key.get("owner").asText(), roles, "_es_api_key", id), null);
    }

    /** The roles a key is narrowed to; empty means the owner's roles alone. */
    Map<String, Role> narrowing(String id) {
        ObjectNode key = keys.get(id);
        return key == null ? Map.of() : Role.parseFile(key.path("role_descriptors"));
    }

    String name(String id) {
        ObjectNode key = keys.get(id);
        return key == null ? null : key.get("name").asText();
    }

    private String token(int bytes) {
        byte[] raw = new byte[bytes];
        random.nextBytes(raw);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }

    private static long millis(long amount, String unit) {
        return switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 86_400_000;
        };
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
