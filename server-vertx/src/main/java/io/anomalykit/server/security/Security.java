package io.anomalykit.server.security;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.anomalykit.server.error.EsException;
import io.vertx.core.Future;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Authentication and authorization as Elasticsearch does them: HTTP Basic against the reserved {@code elastic} user and
 * the file realm; every action authorized by the cluster privileges of the user's roles and, for index actions, by the
 * index privileges; Elasticsearch's 401 and 403 answers.
 */
public final class Security {

    public static final String BASIC_CHALLENGE = "Basic realm=\"security\", charset=\"UTF-8\"";
    public static final String API_KEY_CHALLENGE = "ApiKey";
    private static final String RESERVED_SUPERUSER = "elastic";
    /** Checked against when the user is unknown, so an unknown user costs what a wrong password costs. */
    private static final char[] DUMMY_HASH = BCrypt.withDefaults().hashToChar(10, "no-such-user".toCharArray());

    private static final System.Logger LOG = System.getLogger(Security.class.getName());
    private static final List<String> REALM_FILES = List.of("users", "users_roles", "roles.yml");

    /** What the realm files say, replaced whole when they change. */
    private record Realm(Map<String, String> passwordHashes, Map<String, List<String>> userRoles, Map<String, Role> roles,
                         String fingerprint) {
    }

    private final SecuritySettings settings;
    private final AtomicReference<Realm> realm;
    /** Set while the realm files on disk fail to read (the last good configuration stays in use). */
    private volatile boolean realmFilesBroken;
    private final NativeRealm nativeRealm;
    private final ApiKeys apiKeys;
    /** Successful authentications by user: the SHA-256 of the password that worked, so bcrypt runs once per user. */
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    private Security(SecuritySettings settings, Realm realm, NativeRealm nativeRealm, ApiKeys apiKeys) {
        this.settings = settings;
        this.realm = new AtomicReference<>(realm);
        this.nativeRealm = nativeRealm;
        this.apiKeys = apiKeys;
        if (nativeRealm != null) {
            nativeRealm.onChange(verified::clear);
        }
    }

    /** @throws IllegalArgumentException when a realm file is unreadable or malformed, naming the file and the line */
    public static Security load(SecuritySettings settings) {
        return load(settings, null, null);
    }

    /** With the native realm and API keys too, both kept in the store; null for none. */
    public static Security load(SecuritySettings settings, NativeRealm nativeRealm, ApiKeys apiKeys) {
        return new Security(settings, readRealm(settings), nativeRealm, apiKeys);
    }

    /** The API keys, for the API key endpoints; empty when this server has none. */
    public Optional<ApiKeys> apiKeys() {
        return Optional.ofNullable(apiKeys);
    }

    /** The name of an API key, for {@code _authenticate}. */
    public String apiKeyName(String id) {
        return apiKeys == null ? null : apiKeys.name(id);
    }

    /** The native realm, for the security APIs; empty when this server has none. */
    public Optional<NativeRealm> nativeRealm() {
        return Optional.ofNullable(nativeRealm);
    }

    /**
     * Reads the realm files again if they changed since the last read. A broken file keeps the last good configuration
     * and logs why. Blocking: call it off the event loop.
     *
     * @return true when a new configuration took effect
     */
    public boolean reloadIfChanged() {
        if (!settings.enabled() || settings.configDirectory() == null
                || fingerprint(settings.configDirectory()).equals(realm.get().fingerprint())) {
            return false;
        }
        try {
            realm.set(readRealm(settings));
            realmFilesBroken = false;
            verified.clear();
            LOG.log(System.Logger.Level.INFO, "security: realm files in " + settings.configDirectory() + " reloaded");
            return true;
        } catch (IllegalArgumentException e) {
            realmFilesBroken = true;
            LOG.log(System.Logger.Level.ERROR, "security: keeping the last good realm configuration: " + e.getMessage());
            return false;
        }
    }

    private static Realm readRealm(SecuritySettings settings) {
        Map<String, String> hashes = new HashMap<>();
        Map<String, List<String>> userRoles = new HashMap<>();
        Map<String, Role> roles = new LinkedHashMap<>(Role.BUILT_IN);
        Path dir = settings.configDirectory();
        if (settings.enabled() && dir != null) {
            for (String[] entry : lines(dir.resolve("users"))) {
                if (!entry[1].startsWith("$2")) {
                    throw new IllegalArgumentException(dir.resolve("users") + ": the password of [" + entry[0]
                            + "] is not a bcrypt hash");
                }
                hashes.put(entry[0], entry[1]);
            }
            for (String[] entry : lines(dir.resolve("users_roles"))) {
                for (String user : entry[1].split(",")) {
                    userRoles.computeIfAbsent(user.trim(), k -> new ArrayList<>()).add(entry[0]);
                }
            }
            Path rolesFile = dir.resolve("roles.yml");
            if (Files.exists(rolesFile)) {
                try {
                    roles.putAll(Role.parseFile(new YAMLMapper().readTree(rolesFile.toFile())));
                } catch (IOException | IllegalArgumentException e) {
                    throw new IllegalArgumentException(rolesFile + ": " + e.getMessage());
                }
            }
        }
        return new Realm(hashes, userRoles, roles, dir == null ? "" : fingerprint(dir));
    }

    /** Sizes and modification times of the realm files: what tells a change. */
    private static String fingerprint(Path dir) {
        StringBuilder print = new StringBuilder();
        for (String name : REALM_FILES) {
            Path file = dir.resolve(name);
            try {
                print.append(name).append(Files.exists(file) ? Files.size(file) + "@" + Files.getLastModifiedTime(file) : "-")
                        .append(';');
            } catch (IOException e) {
                print.append(name).append("?;");
            }
        }
        return print.toString();
    }

    /** False while the realm files on disk are broken and the last good configuration is in use. */
    public boolean realmFilesCurrent() {
        return !realmFilesBroken;
    }

    public boolean enabled() {
        return settings.enabled();
    }

    public boolean indexPrivilegeCheck() {
        return settings.indexPrivilegeCheck();
    }

    /** A bcrypt hash for a users file, as Elasticsearch's {@code users} tool writes one. */
    public static String hash(String password) {
        return BCrypt.withDefaults().hashToString(10, password.toCharArray());
    }

    /**
     * Authenticates on the calling thread, bcrypt included: for tools and tests, never the event loop.
     *
     * @param authorization the Authorization header, or null
     * @param uri           the request URI, as it appears in Elasticsearch's messages
     * @throws EsException 401 {@code security_exception} with Elasticsearch's challenges
     */
    public Principal authenticate(String authorization, String uri) {
        Attempt attempt = attempt(authorization, uri, LoginThrottle.Source.UNTHROTTLED);
        return attempt.principal() != null ? attempt.principal() : attempt.hashing().get();
    }

    /**
     * Authenticates without blocking the caller: what needs no bcrypt (missing or malformed credentials, API keys, the
     * reserved user, a password already verified for that user) is answered at once; a bcrypt check runs on the
     * credential pool, which refuses it with 429 when it is full.
     *
     * @param from the request's source address, whose failed password logins are counted and may be throttled
     * @return a future failed with a 401 or 429 {@link EsException} when authentication fails
     */
    public Future<Principal> authenticate(String authorization, String uri, CredentialPool pool,
                                          LoginThrottle.Source from) {
        Attempt attempt;
        try {
            attempt = attempt(authorization, uri, from);
        } catch (EsException e) {
            return Future.failedFuture(e);
        }
        return attempt.principal() != null ? Future.succeededFuture(attempt.principal())
                : from.counted(pool.submit(attempt.hashing()));
    }

    /** Either a principal known without hashing, or the bcrypt check that decides. */
    private record Attempt(Principal principal, Supplier<Principal> hashing) {
    }

    private Attempt attempt(String authorization, String uri, LoginThrottle.Source from) {
        if (authorization != null && authorization.regionMatches(true, 0, "ApiKey ", 0, 7) && apiKeys != null) {
            return new Attempt(authenticateApiKey(authorization.substring(7).trim()), null);
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw unauthenticated("missing authentication credentials for REST request [" + uri + "]");
        }
        // UsernamePasswordToken.extractToken: nothing after the scheme, undecodable base64 and no colon are each refused
        // with their own message; an empty user name is a user like any other, and unknown.
        String credentials = authorization.substring(6).trim();
        if (credentials.isEmpty()) {
            throw unauthenticated("invalid basic authentication header value");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw withChallenges(EsException.of(401, "security_exception", "invalid basic authentication header encoding",
                    EsException.illegalArgument(e.getMessage())));
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw unauthenticated("invalid basic authentication header value");
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        if (from.throttled()) {
            throw unauthenticated("unable to authenticate user [" + user + "] for REST request [" + uri + "]");
        }
        Supplier<EsException> failed = () -> unauthenticated("unable to authenticate user [" + user
                + "] for REST request [" + uri + "]");
        if (user.equals(RESERVED_SUPERUSER)) {
            if (nativeRealm != null && !nativeRealm.reservedUserEnabled(user)) {
                from.failed();
                throw failed.get();
            }
            Principal superuser = new Principal(user, List.of("superuser"), "reserved");
            // A password set through the change-password API replaces the configured one, as in Elasticsearch; its
            // hash is checked like any other, on the credential pool.
            Optional<String> changed = nativeRealm == null ? Optional.empty() : nativeRealm.reservedPasswordHash(user);
            if (changed.isPresent()) {
                return check(user, password, changed.get(), superuser, failed);
            }
            String expected = settings.elasticPassword();
            if (expected == null || !MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                    password.getBytes(StandardCharsets.UTF_8))) {
                from.failed();
                throw failed.get();
            }
            return new Attempt(superuser, null);
        }
        if (ReservedUsers.NAMES.contains(user)) {
            // ReservedRealm, first in the chain: the other built-in users log in once the change-password API gave
            // them a password.
            Optional<String> hash = nativeRealm == null ? Optional.empty() : nativeRealm.reservedPasswordHash(user);
            if (hash.isEmpty() || !nativeRealm.reservedUserEnabled(user)) {
                from.failed();
                throw failed.get();
            }
            return check(user, password, hash.get(), new Principal(user, ReservedUsers.roles(user), "reserved"), failed);
        }
        Realm current = realm.get();
        String fileHash = current.passwordHashes().get(user);
        if (fileHash != null) {
            return check(user, password, fileHash,
                    new Principal(user, current.userRoles().getOrDefault(user, List.of()), "file"), failed);
        }
        Optional<ObjectNode> nativeUser = nativeRealm == null
                ? Optional.empty() : nativeRealm.user(user);
        if (nativeUser.isPresent() && nativeUser.get().path("enabled").asBoolean(true)) {
            String nativeHash = nativeUser.get().get("password_hash").asText();
            return check(user, password, nativeHash,
                    new Principal(user, NativeRealm.roleNames(nativeUser.get()), "native"), failed);
        }
        // An unknown or a disabled user costs what a known one costs, so timing tells neither.
        return new Attempt(null, () -> {
            BCrypt.verifyer().verify(password.toCharArray(), DUMMY_HASH);
            throw failed.get();
        });
    }

    /** A realm user's password: known at once when verified before, otherwise a bcrypt check for the pool. */
    private Attempt check(String user, String password, String hash, Principal principal, Supplier<EsException> failed) {
        if (verifiedBefore(user, password, hash)) {
            return new Attempt(principal, null);
        }
        return new Attempt(null, () -> {
            if (!passwordMatches(user, password, hash)) {
                throw failed.get();
            }
            return principal;
        });
    }

    /**
     * An {@code ApiKey} header. A key that is not accepted gets Elasticsearch's answer for credentials no authenticator
     * accepted, with the key's own failure under {@code additional_unsuccessful_credentials}
     * ({@code AuthenticatorChain}, {@code Authenticator.Context.addUnsuccessfulMessageToMetadata}).
     */
    private Principal authenticateApiKey(String encoded) {
        String failure = "invalid ApiKey value";
        try {
            String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon > 0) {
                ApiKeys.Outcome outcome = apiKeys.authenticate(decoded.substring(0, colon), decoded.substring(colon + 1));
                if (outcome.principal() != null) {
                    return outcome.principal();
                }
                failure = outcome.failure();
            }
        } catch (IllegalArgumentException e) {
            failure = e.getMessage();
        }
        throw unauthenticated("unable to authenticate with provided credentials and anonymous access is not allowed for "
                + "this request").withMetadata("additional_unsuccessful_credentials", "API key: " + failure);
    }

    /** The cache of verified passwords: a hit needs no bcrypt, so it is answered on the calling thread. */
    private boolean verifiedBefore(String user, String password, String hash) {
        byte[] known = verified.get(user);
        return known != null && MessageDigest.isEqual(known, sha256(user + "\u0000" + hash + "\u0000" + password));
    }

    private boolean passwordMatches(String user, String password, String hash) {
        if (verifiedBefore(user, password, hash)) {
            return true;
        }
        boolean ok = BCrypt.verifyer().verify(password.toCharArray(), hash.toCharArray()).verified;
        if (ok) {
            verified.put(user, sha256(user + "\u0000" + hash + "\u0000" + password));
        }
        return ok;
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The change-password API: {@code manage_security} (or another privilege granting the action) for anyone's
     * password, and without it one's own, when a native or reserved realm user logged in as themselves
     * ({@code RBACEngine.checkSameUserPermissions} and {@code checkChangePasswordAction}; never with an API key).
     */
    public void authorizeChangePassword(Principal principal, String username) {
        boolean own = principal.apiKeyId() == null && principal.username().equals(username)
                && (principal.realm().equals("native") || principal.realm().equals("reserved"));
        if (!own) {
            authorizeCluster(principal, "cluster:admin/xpack/security/user/change_password");
        }
    }

    /** Whether the file realm has this user, for the change-password API's answer. */
    public boolean fileRealmHasUser(String username) {
        return realm.get().passwordHashes().containsKey(username);
    }

    /** @throws EsException 403 when none of the principal's roles grants the cluster action */
    public void authorizeCluster(Principal principal, String action) {
        if (!grantsCluster(principal, action)) {
            throw unauthorized(principal, action, "", "cluster privileges", Privileges.granting(Privileges.CLUSTER, action));
        }
    }

    /**
     * An API key action (get, invalidate): {@code manage_own_api_key} allows it when the request is limited to the
     * caller's own keys ({@code ManageOwnApiKeyClusterPrivilege}), other privileges whatever it asks for. A refusal
     * names the action itself.
     *
     * @throws EsException 403 when no privilege of the principal allows it
     */
    public void authorizeApiKeyAction(Principal principal, String action, boolean ownKeysOnly) {
        if (!(ownKeysOnly && grantsCluster(principal, Privileges.OWN_API_KEYS))) {
            authorizeCluster(principal, action);
        }
    }

    private boolean grantsCluster(Principal principal, String action) {
        return effectiveRoles(principal).stream().anyMatch(role -> role.grantsCluster(action))
                && narrowedBy(principal).stream().allMatch(keyRoles -> keyRoles.stream().anyMatch(r -> r.grantsCluster(action)));
    }

    /** @throws EsException 403 when none of the principal's roles grants the index action on the index */
    public void authorizeIndex(Principal principal, String action, String index) {
        if (effectiveRoles(principal).stream().noneMatch(role -> role.grantsIndex(action, index))
                || !narrowedBy(principal).stream().allMatch(keyRoles -> keyRoles.stream()
                        .anyMatch(r -> r.grantsIndex(action, index)))) {
            throw unauthorized(principal, action, " on indices [" + index + "]", "index privileges",
                    Privileges.granting(Privileges.INDEX, action));
        }
    }

    /** An API key's own roles, which must grant the action too: none for a user, or a key without descriptors. */
    private List<Collection<Role>> narrowedBy(Principal principal) {
        if (principal.apiKeyId() == null || apiKeys == null) {
            return List.of();
        }
        Map<String, Role> narrowing = apiKeys.narrowing(principal.apiKeyId());
        return narrowing.isEmpty() ? List.of() : List.of(narrowing.values());
    }

    private List<Role> effectiveRoles(Principal principal) {
        Map<String, Role> roles = allRoles();
        return principal.roles().stream().filter(roles::containsKey).map(roles::get).toList();
    }

    /** Built-in, file and native roles; a file role wins over a native one of the same name. */
    private Map<String, Role> allRoles() {
        if (nativeRealm == null || nativeRealm.roles().isEmpty()) {
            return realm.get().roles();
        }
        Map<String, Role> all = new HashMap<>(nativeRealm.roles());
        all.putAll(realm.get().roles());
        return all;
    }

    private EsException unauthorized(Principal principal, String action, String onIndices, String kind, List<String> granting) {
        if (principal.apiKeyId() != null) {
            return EsException.of(403, "security_exception", "action [" + action + "] is unauthorized for API key id ["
                    + principal.apiKeyId() + "] of user [" + principal.username() + "]" + onIndices + ", this action is "
                    + "granted by the " + kind + " [" + String.join(",", granting) + "]");
        }
        TreeSet<String> effective = new TreeSet<>();
        TreeSet<String> missing = new TreeSet<>();
        Map<String, Role> roles = allRoles();
        principal.roles().forEach(role -> (roles.containsKey(role) ? effective : missing).add(role));
        StringBuilder reason = new StringBuilder("action [").append(action).append("] is unauthorized for user [")
                .append(principal.username()).append("] with effective roles [").append(String.join(",", effective))
                .append(']');
        if (!missing.isEmpty()) {
            reason.append(" (assigned roles [").append(String.join(",", missing)).append("] were not found)");
        }
        reason.append(onIndices).append(", this action is granted by the ").append(kind).append(" [")
                .append(String.join(",", granting)).append(']');
        return EsException.of(403, "security_exception", reason.toString());
    }

    private static EsException unauthenticated(String reason) {
        return withChallenges(EsException.of(401, "security_exception", reason));
    }

    /** {@code DefaultAuthenticationFailureHandler}: every 401 carries the challenges of the enabled schemes. */
    private static EsException withChallenges(EsException failure) {
        return failure.withHeader("WWW-Authenticate", BASIC_CHALLENGE).withHeader("WWW-Authenticate", API_KEY_CHALLENGE);
    }

    /** {@code key:value} lines of a realm file; a missing file has none. */
    private static List<String[]> lines(Path file) {
        List<String[]> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            int number = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                number++;
                String trimmed = line.trim();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int colon = trimmed.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException(file + " line " + number + ": expected name:value");
                }
                out.add(new String[] {trimmed.substring(0, colon).trim(), trimmed.substring(colon + 1).trim()});
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        }
        return out;
    }
}
