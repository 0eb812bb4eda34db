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
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    /** Issues a key for the principal: the answer Elasticsearch gives, with the secret shown this one time. */
    public Future<ObjectNode> create(Principal owner, JsonNode request) {
        String name = request.path("name").asText(null);
        if (name == null || name.isBlank()) {
            return Future.failedFuture(EsException.of(400, "action_request_validation_exception",
                    "Validation Failed: 1: api key name is required;"));
        }
        try {
            Role.parseFile(request.path("role_descriptors"));
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(EsException.illegalArgument(e.getMessage()));
        }
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

    /** Invalidates keys by id or by name. */
    public Future<ObjectNode> invalidate(JsonNode request) {
        List<String> ids = new ArrayList<>();
        request.path("ids").forEach(id -> ids.add(id.asText()));
        if (request.hasNonNull("id")) {
            ids.add(request.get("id").asText());
        }
        if (request.hasNonNull("name")) {
            keys.values().stream().filter(k -> k.get("name").asText().equals(request.get("name").asText()))
                    .forEach(k -> ids.add(k.get("id").asText()));
        }
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
            ObjectNode changed = key.deepCopy().put("invalidated", true);
            invalidated.add(id);
            chain = chain.compose(ignored -> store.put(KIND, id, changed)).map(ignored -> {
                keys.put(id, changed);
                return null;
            });
        }
        return chain.map(ignored -> answer.put("error_count", 0));
    }

    /** The principal a presented {@code id:secret} stands for, if the key is valid, unexpired and not invalidated. */
    Optional<Principal> authenticate(String id, String secret) {
        ObjectNode key = keys.get(id);
        String presented = sha256(secret);
        String expected = key == null ? sha256("no-such-key") : key.get("secret_sha256").asText();
        boolean same = MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8));
        if (key == null || !same || key.get("invalidated").asBoolean()
                || key.hasNonNull("expiration") && key.get("expiration").asLong() <= clock.getAsLong()) {
            return Optional.empty();
        }
        List<String> roles = new ArrayList<>();
        key.get("owner_roles").forEach(role -> roles.add(role.asText()));
        return Optional.of(new Principal(key.get("owner").asText(), roles, "_es_api_key", id));
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
