package io.anomalykit.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.error.EsException;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bodies of the put-user and change-password APIs read as Elasticsearch reads them
 * ({@code PutUserRequestBuilder.source}, {@code ChangePasswordRequestBuilder.source}), and the names it refuses
 * ({@code Validation.Users}, {@code NativeRealmValidationUtil}, {@code ClientReservedRealm.isReserved}).
 */
public final class UserRequests {

    /** {@code ClientReservedRealm.isReserved}: the reserved realm's users, which only change their passwords. */
    /** {@code InternalUsers}' principals: the users Elasticsearch acts as itself. */
    private static final Set<String> INTERNAL_USERS = Set.of("_system", "_xpack", "_xpack_security", "_security_profile",
            "_async_search", "_storage", "_data_stream_lifecycle", "_synonyms");
    /** {@code AnonymousUser}'s default name ({@code xpack.security.authc.anonymous.username}). */
    private static final String ANONYMOUS_USER = "_anonymous";

    /** {@code NativeRealmValidationUtil.MAX_NAME_LENGTH}: the longest name that fits a native realm document id. */
    static final int MAX_NAME_LENGTH = 507;
    static final int MIN_PASSWORD_LENGTH = 6;
    private static final String NAME_RULE = " names must be at least 1 and no more than " + MAX_NAME_LENGTH
            + " characters. They can contain alphanumeric characters (a-z, A-Z, 0-9), spaces, punctuation, and printable "
            + "symbols in the Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed.";

    /** A put-user body: null for what it leaves out. */
    public record PutUser(String password, String passwordHash, List<String> roles, JsonNode fullName, JsonNode email,
                          JsonNode metadata, Boolean enabled) {
    }

    private UserRequests() {
    }

    /** {@code PutUserRequestBuilder.source}: typed fields, unknown ones refused, {@code roles} also as "a,b". */
    public static PutUser parsePutUser(String username, JsonNode body) {
        String password = null;
        String passwordHash = null;
        List<String> roles = null;
        JsonNode fullName = null;
        JsonNode email = null;
        JsonNode metadata = null;
        Boolean enabled = null;
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            switch (name) {
                case "password" -> {
                    password = string(name, value);
                    checkPassword(password);
                    if (passwordHash != null) {
                        throw validation("password_hash has already been set");
                    }
                    passwordHash = "";
                }
                case "password_hash" -> {
                    if (passwordHash != null) {
                        throw validation("password_hash has already been set");
                    }
                    passwordHash = bcrypt(string(name, value));
                }
                case "roles" -> roles = value.isTextual() ? commaDelimited(value.asText()) : stringArray(name, value);
                case "full_name" -> fullName = nullableString(name, value);
                case "email" -> email = nullableString(name, value);
                case "metadata" -> {
                    if (!value.isObject()) {
                        throw typeError(name, "object", value);
                    }
                    metadata = value;
                }
                case "enabled" -> {
                    if (!value.isBoolean()) {
                        throw typeError(name, "boolean", value);
                    }
                    enabled = value.asBoolean();
                }
                case "username" -> {
                    if (!value.isTextual()) {
                        throw typeError(name, "string", value);
                    }
                    if (!value.asText().equals(username)) {
                        throw EsException.illegalArgument("[username] in source does not match the username provided ["
                                + username + "]");
                    }
                }
                default -> throw EsException.of(400, "parse_exception",
                        "failed to parse add user request. unexpected field [" + name + "]");
            }
        }
        return new PutUser(password, password == null ? passwordHash : null, roles, fullName, email, metadata, enabled);
    }

    /** A change-password request's new password: given in clear (hashed later, off the event loop) or as a hash. */
    public record NewPassword(String password, String passwordHash) {

        static NewPassword plain(String password) {
            return new NewPassword(password, null);
        }

        static NewPassword hashed(String passwordHash) {
            return new NewPassword(null, passwordHash);
        }

        /** The hash to keep: the given one, or the password hashed on {@code hashing}. */
        public Future<String> hash(CredentialPool hashing) {
            return password != null ? hashing.hash(password) : Future.succeededFuture(passwordHash);
        }
    }

    /**
     * {@code ChangePasswordRequestBuilder.source} then {@code ChangePasswordRequest.validate}: exactly one of
     * {@code password} (6 characters or more) and {@code password_hash}.
     *
     * @return the bcrypt hash to keep
     */
    public static NewPassword parseChangePassword(JsonNode body) {
        NewPassword hash = null;
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals("password") || name.equals("password_hash")) {
                String text = string(name, value);
                if (name.equals("password")) {
                    checkPassword(text);
                }
                if (hash != null) {
                    throw validation("password_hash has already been set");
                }
                hash = name.equals("password") ? NewPassword.plain(text) : NewPassword.hashed(bcrypt(text));
            } else {
                throw EsException.of(400, "parse_exception", "failed to parse change password request. unexpected field ["
                        + name + "]");
            }
        }
        if (hash == null) {
            throw EsException.of(400, "action_request_validation_exception", "Validation Failed: 1: password is missing;");
        }
        return hash;
    }

    /**
     * {@code PutUserRequest.validate}, which runs before authorization: roles are required (an empty list will do) and
     * metadata keys may not start with an underscore.
     */
    public static void validateRequest(PutUser request) {
        List<String> errors = new ArrayList<>();
        if (request.roles() == null) {
            errors.add("roles are missing");
        }
        if (request.metadata() != null && request.metadata().properties().stream().anyMatch(e -> e.getKey().startsWith("_"))) {
            errors.add("metadata keys may not start with [_]");
        }
        RequestValidation.failIfAny(errors);
    }

    /**
     * {@code TransportPutUserAction.validateRequest}: reserved users, then the name rule, then each role name, every
     * error in one {@code action_request_validation_exception}.
     */
    static void validatePutUser(String username, List<String> roles) {
        List<String> errors = new ArrayList<>();
        if (ReservedUsers.NAMES.contains(username)) {
            errors.add("user [" + username + "] is reserved and only the password can be changed");
        } else if (!validName(username)) {
            errors.add("User" + NAME_RULE);
        }
        for (String role : roles == null ? List.<String>of() : roles) {
            if (!validName(role)) {
                errors.add("Role" + NAME_RULE);
            }
        }
        RequestValidation.failIfAny(errors);
    }

    /** {@code SetEnabledRequest.validate}: the name rule only, reserved users allowed. */
    public static void validateSetEnabled(String username) {
        RequestValidation.failIfAny(validName(username) ? List.of() : List.of("User" + NAME_RULE));
    }

    /**
     * {@code TransportSetEnabledAction}: nobody changes their own enabled status, and internal users
     * ({@code InternalUsers}) and the anonymous user ({@code AnonymousUser}, default name) cannot be changed.
     */
    public static void checkSetEnabled(String caller, String username) {
        if (caller.equals(username)) {
            throw EsException.illegalArgument("users may not update the enabled status of their own account");
        } else if (INTERNAL_USERS.contains(username)) {
            throw EsException.illegalArgument("user [" + username + "] is internal");
        } else if (username.equals(ANONYMOUS_USER)) {
            throw EsException.illegalArgument("user [" + username + "] is anonymous and cannot be modified using the api");
        }
    }

    /** {@code Validation.isValidUserOrRoleName}: printable ASCII, 1 to 507 characters, no space at either end. */
    static boolean validName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH || name.startsWith(" ") || name.endsWith(" ")) {
            return false;
        }
        return name.chars().allMatch(c -> c >= 0x20 && c <= 0x7e);
    }

    private static void checkPassword(String password) {
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw validation("passwords must be at least [" + MIN_PASSWORD_LENGTH + "] characters long");
        }
    }

    /** Only bcrypt hashes of the configured cost (10, Elasticsearch's default) are taken. */
    private static String bcrypt(String hash) {
        if (!hash.matches("\\$2[aby]\\$10\\$[./A-Za-z0-9]{53}")) {
            throw EsException.illegalArgument("The provided password hash is not a hash or it could not be resolved to a "
                    + "supported hash algorithm. This server takes bcrypt hashes of cost 10 ($2a$10$...)");
        }
        return hash;
    }

    /** {@code Strings.commaDelimitedListToStringArray}: split on commas, nothing trimmed; "" is no roles. */
    private static List<String> commaDelimited(String text) {
        List<String> out = new ArrayList<>();
        if (text.isEmpty()) {
            return out;
        }
        int start = 0;
        for (int comma = text.indexOf(','); comma >= 0; comma = text.indexOf(',', start)) {
            out.add(text.substring(start, comma));
            start = comma + 1;
        }
        out.add(text.substring(start));
        return out;
    }

    private static List<String> stringArray(String field, JsonNode value) {
        if (!value.isArray()) {
            throw typeError(field, "array", value);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw EsException.of(400, "parse_exception", "expected field [" + field + "] to be of type string, but found ["
                        + token(item) + "] instead");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static String string(String field, JsonNode value) {
        if (!value.isTextual()) {
            throw typeError(field, "string", value);
        }
        return value.asText();
    }

    private static JsonNode nullableString(String field, JsonNode value) {
        if (!value.isTextual() && !value.isNull()) {
            throw typeError(field, "string", value);
        }
        return value;
    }

    private static EsException typeError(String field, String type, JsonNode value) {
        return EsException.of(400, "parse_exception", "expected field [" + field + "] to be of type " + type + ", but found ["
                + token(value) + "] instead");
    }

    /** The name of the {@code XContentParser.Token} a value starts with. */
    private static String token(JsonNode value) {
        if (value.isObject()) {
            return "START_OBJECT";
        } else if (value.isArray()) {
            return "START_ARRAY";
        } else if (value.isTextual()) {
            return "VALUE_STRING";
        } else if (value.isBoolean()) {
            return "VALUE_BOOLEAN";
        } else if (value.isNull()) {
            return "VALUE_NULL";
        }
        return "VALUE_NUMBER";
    }

    /** A {@code ValidationException} with one error, as the request builders throw it. */
    private static EsException validation(String error) {
        return EsException.of(400, "validation_exception", "Validation Failed: 1: " + error + ";");
    }
}
