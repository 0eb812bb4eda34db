package io.anomalykit.conformance.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.cases.Level;
import io.anomalykit.conformance.run.RunScope;
import io.anomalykit.conformance.service.Capability;
import io.anomalykit.conformance.service.Credentials;
import io.anomalykit.conformance.service.Persona;
import io.anomalykit.conformance.service.Target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * One kit run's configuration, the same for the CLI, the JUnit suite and a container target: where the service is and
 * how to connect and log in, what it lacks and declines, which cases run and how strictly, the seed, and where the
 * reports go. Read from {@code anomalykit-kit.yaml} (with {@code ${VAR}} references to the environment), then
 * overridden by flags or system properties under the names of {@link Setting}: a single value replaces the file's, a
 * repeatable one adds to it.
 */
public final class KitConfig {

    /** The file read when none is named and it exists in the working directory. */
    public static final String DEFAULT_FILE = "anomalykit-kit.yaml";
    /** How many cases run at once unless {@link Setting#PARALLELISM} says otherwise. */
    public static final int DEFAULT_PARALLELISM = 4;
    /** How many exploration requests a differential run adds unless {@link Setting#EXPLORATION_SIZE} says otherwise. */
    public static final int DEFAULT_EXPLORATION_SIZE = 200;
    /** The prefix of the JUnit suite's system properties: {@code anomalykit.ca-cert}. */
    public static final String PROPERTY_PREFIX = "anomalykit.";
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String url;
    private final Map<String, Credentials> personas;
    private final Map<String, String> headers;
    private final Path caCert;
    private final Path clientCert;
    private final Path clientKey;
    private final boolean insecure;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Set<Capability> without;
    private final Set<Capability> with;
    private final Map<String, String> optOuts;
    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final Level level;
    private final boolean strict;
    private final long seed;
    private final Path reportDirectory;
    private final int maxFailures;
    private final int parallelism;
    private final Duration waitFor;
    private final RunScope scope;
    private final String referenceUrl;
    private final Credentials referenceSuperuser;
    private final Path referenceCaCert;
    private final Path recordDirectory;
    private final Path replayDirectory;
    private final int explorationSize;
    private final Path acceptedDifferences;

    private KitConfig(Builder builder, Map<String, String> env) {
        url = builder.single(Setting.URL);
        Map<String, Credentials> credentials = new LinkedHashMap<>();
        Credentials superuser = credentials("the superuser", builder.single(Setting.USER),
                builder.single(Setting.PASSWORD_ENV), builder.single(Setting.API_KEY_ENV), env);
        if (superuser != null) {
            credentials.put(Persona.SUPERUSER, superuser);
        }
        builder.personas.forEach((persona, keys) -> credentials.put(persona, credentials("persona " + persona,
                keys.get("user"), keys.get("password-env"), keys.get("api-key-env"), env)));
        personas = Map.copyOf(credentials);
        Map<String, String> headerValues = new LinkedHashMap<>();
        for (String header : builder.all(Setting.HEADER)) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("header [" + header + "] is not NAME:VALUE");
            }
            headerValues.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
        }
        headers = Map.copyOf(headerValues);
        caCert = path(builder.single(Setting.CA_CERT));
        clientCert = path(builder.single(Setting.CLIENT_CERT));
        clientKey = path(builder.single(Setting.CLIENT_KEY));
        if ((clientCert == null) != (clientKey == null)) {
            throw new IllegalArgumentException("client-cert and client-key go together");
        }
        insecure = bool(builder, Setting.INSECURE);
        if (insecure && caCert != null) {
            throw new IllegalArgumentException("insecure and ca-cert contradict each other: pass one");
        }
        connectTimeout = Duration.ofSeconds(whole(builder, Setting.CONNECT_TIMEOUT, 10, 1));
        requestTimeout = Duration.ofSeconds(whole(builder, Setting.REQUEST_TIMEOUT, 60, 1));
        without = capabilities(builder.all(Setting.WITHOUT));
        with = capabilities(builder.all(Setting.WITH));
        Map<String, String> declined = new LinkedHashMap<>();
        for (String optOut : builder.all(Setting.OPT_OUT)) {
            int equals = optOut.indexOf('=');
            if (equals <= 0 || optOut.substring(equals + 1).isBlank()) {
                throw new IllegalArgumentException("opt-out [" + optOut + "] is not ID=REASON (a reason is required)");
            }
            declined.put(optOut.substring(0, equals).trim(), optOut.substring(equals + 1).trim());
        }
        optOuts = Map.copyOf(declined);
        include = patterns(builder.all(Setting.INCLUDE));
        exclude = patterns(builder.all(Setting.EXCLUDE));
        String levelName = builder.single(Setting.LEVEL);
        level = levelName == null ? Level.OPTIONAL : level(levelName);
        strict = bool(builder, Setting.STRICT);
        seed = whole(builder, Setting.SEED, CaseLibrary.DEFAULT_SEED, Long.MIN_VALUE);
        reportDirectory = path(builder.single(Setting.REPORT));
        maxFailures = (int) whole(builder, Setting.MAX_FAILURES, 0, 0);
        parallelism = (int) whole(builder, Setting.PARALLELISM, DEFAULT_PARALLELISM, 1);
        waitFor = Duration.ofSeconds(whole(builder, Setting.WAIT_FOR, 0, 0));
        boolean seeds = !bool(builder, Setting.NO_SEED);
        String prefix = builder.single(Setting.RUN_PREFIX);
        scope = new RunScope(prefix != null ? prefix.trim() : seeds ? RunScope.randomPrefix() : "", seeds);
        referenceUrl = builder.single(Setting.REFERENCE);
        referenceSuperuser = credentials("the reference's superuser", builder.single(Setting.REFERENCE_USER),
                builder.single(Setting.REFERENCE_PASSWORD_ENV), builder.single(Setting.REFERENCE_API_KEY_ENV), env);
        referenceCaCert = path(builder.single(Setting.REFERENCE_CA_CERT));
        if (referenceUrl == null && (referenceSuperuser != null || referenceCaCert != null)) {
            throw new IllegalArgumentException("the reference's credentials and CA certificate need reference (its URL)");
        }
        recordDirectory = path(builder.single(Setting.RECORD));
        replayDirectory = path(builder.single(Setting.REPLAY));
        if (recordDirectory != null && referenceUrl == null) {
            throw new IllegalArgumentException("record writes the reference's answers: it needs reference (its URL)");
        }
        if (replayDirectory != null && referenceUrl != null) {
            throw new IllegalArgumentException("replay and reference contradict each other: the recording is the"
                    + " reference");
        }
        explorationSize = (int) whole(builder, Setting.EXPLORATION_SIZE, DEFAULT_EXPLORATION_SIZE, 0);
        acceptedDifferences = path(builder.single(Setting.ACCEPT_DIFFERENCES));
    }

    /** An empty configuration to fill. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The JUnit suite's configuration: the file named by the system property {@code anomalykit.config} (or
     * {@value #DEFAULT_FILE} in the working directory, when it exists), then the system properties
     * {@code anomalykit.<setting>}.
     */
    public static KitConfig fromSystemProperties() {
        return fromSystemProperties(System.getProperties(), System.getenv());
    }

    /** As {@link #fromSystemProperties()}, from the given properties and environment. */
    public static KitConfig fromSystemProperties(Properties properties, Map<String, String> env) {
        Builder builder = builder();
        String file = properties.getProperty(PROPERTY_PREFIX + "config");
        builder.loadDefaultOr(file == null ? null : Path.of(file), env);
        for (Setting setting : Setting.values()) {
            String value = properties.getProperty(PROPERTY_PREFIX + setting.key());
            if (value != null) {
                builder.set(setting, value);
            }
        }
        return builder.build(env);
    }

    /** Where the service answers, or null when not configured. */
    public String url() {
        return url;
    }

    /** A target builder for the configured URL, with everything this configuration says about the service. */
    public Target.Builder target() {
        if (url == null) {
            throw new IllegalArgumentException("no url configured (--url, url: in " + DEFAULT_FILE + ", or -D"
                    + PROPERTY_PREFIX + "url)");
        }
        return target(url);
    }

    /**
     * A target builder for the service at {@code serviceUrl} (a container's mapped port, say), with everything else
     * this configuration says about the service.
     */
    public Target.Builder target(String serviceUrl) {
        Target.Builder target = Target.at(serviceUrl).timeouts(connectTimeout, requestTimeout);
        personas.forEach(target::persona);
        headers.forEach(target::header);
        if (caCert != null) {
            target.caCertificate(caCert);
        }
        if (clientCert != null) {
            target.clientCertificate(clientCert, clientKey);
        }
        if (insecure) {
            target.insecure();
        }
        without.forEach(target::without);
        with.forEach(target::with);
        optOuts.forEach(target::optOut);
        return target;
    }

    /**
     * Whether a case runs: its level is at most {@link #level()}, its id matches an include pattern (when there is
     * any) and no exclude pattern. A pattern matches when it is found anywhere in the id ({@code ^...$} anchors it).
     */
    public boolean selects(Case testCase) {
        String id = testCase.id();
        return testCase.level().ordinal() <= level.ordinal()
                && (include.isEmpty() || include.stream().anyMatch(p -> p.matcher(id).find()))
                && exclude.stream().noneMatch(p -> p.matcher(id).find());
    }

    /** The least binding level that runs. */
    public Level level() {
        return level;
    }

    /** Whether failures of recommended and optional cases fail the gate too. */
    public boolean strict() {
        return strict;
    }

    /** Whether a failure of this case fails the gate. */
    public boolean gates(Case testCase) {
        return strict || testCase.level() == Level.REQUIRED;
    }

    /** The seed of the generated cases. */
    public long seed() {
        return seed;
    }

    /** Where to write the reports, or null for none. */
    public Path reportDirectory() {
        return reportDirectory;
    }

    /**
     * How many cases {@code Conformance.run} (and so the CLI) sends at once; the JUnit suite runs its tests one at a
     * time, as JUnit calls them.
     */
    public int parallelism() {
        return parallelism;
    }

    /** After how many gating failures the run stops; 0 for never. */
    public int maxFailures() {
        return maxFailures;
    }

    /**
     * What the run may create and how it names it: by default it seeds under a fresh random prefix; with
     * {@code no-seed} it creates nothing and uses the documented job ids, unless {@code run-prefix} names a prefix.
     */
    public RunScope scope() {
        return scope;
    }

    /**
     * A target builder for the reference (its URL, its superuser, its CA certificate, this configuration's timeouts),
     * or null when none is configured.
     */
    public Target.Builder reference() {
        if (referenceUrl == null) {
            return null;
        }
        Target.Builder reference = Target.at(referenceUrl).timeouts(connectTimeout, requestTimeout);
        if (referenceSuperuser != null) {
            reference.persona(Persona.SUPERUSER, referenceSuperuser);
        }
        if (referenceCaCert != null) {
            reference.caCertificate(referenceCaCert);
        }
        return reference;
    }

    /** Whether the service is judged against a reference, live or recorded, rather than against the cases' rules. */
    public boolean differential() {
        return referenceUrl != null || replayDirectory != null;
    }

    /** Where to write the reference's answers as a golden set, or null. */
    public Path recordDirectory() {
        return recordDirectory;
    }

    /** The golden set to judge the service against, or null. */
    public Path replayDirectory() {
        return replayDirectory;
    }

    /** How many generated exploration requests a differential run adds. */
    public int explorationSize() {
        return explorationSize;
    }

    /** The file listing the accepted differences from the reference, or null. */
    public Path acceptedDifferences() {
        return acceptedDifferences;
    }

    /** How long to wait for the service to answer {@code GET /} before giving up. */
    public Duration waitFor() {
        return waitFor;
    }

    private static Credentials credentials(String who, String user, String passwordEnv, String apiKeyEnv,
                                           Map<String, String> env) {
        if (apiKeyEnv != null) {
            if (user != null || passwordEnv != null) {
                throw new IllegalArgumentException(who + ": an API key or a user with a password, not both");
            }
            return new Credentials.ApiKey(variable(env, apiKeyEnv, "api-key-env"));
        }
        if (passwordEnv != null && user == null) {
            throw new IllegalArgumentException(who + ": password-env needs user");
        }
        if (user == null) {
            return null;
        }
        if (passwordEnv == null) {
            throw new IllegalArgumentException(who + ": user needs password-env (passwords are never given on the command"
                    + " line or in the file)");
        }
        return new Credentials.Basic(user, variable(env, passwordEnv, "password-env"));
    }

    private static String variable(Map<String, String> env, String name, String setting) {
        String value = env.get(name);
        if (value == null) {
            throw new IllegalArgumentException("environment variable " + name + " is not set (named by " + setting + ")");
        }
        return value;
    }

    private static Path path(String value) {
        return value == null ? null : Path.of(value);
    }

    private static boolean bool(Builder builder, Setting setting) {
        String value = builder.single(setting);
        if (value == null || value.equalsIgnoreCase("false")) {
            return false;
        }
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        throw new IllegalArgumentException(setting.key() + " is true or false, not [" + value + "]");
    }

    private static long whole(Builder builder, Setting setting, long absent, long minimum) {
        String value = builder.single(setting);
        if (value == null) {
            return absent;
        }
        try {
            long number = Long.parseLong(value.trim());
            if (number >= minimum) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(setting.key() + " must be a whole number" + (minimum > Long.MIN_VALUE
                ? " of at least " + minimum : "") + ", not [" + value + "]");
    }

    private static Level level(String name) {
        try {
            return Level.of(name.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("level is required, recommended or optional, not [" + name + "]", e);
        }
    }

    private static Set<Capability> capabilities(List<String> values) {
        Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        for (String value : values) {
            for (String name : value.split(",")) {
                try {
                    capabilities.add(Capability.valueOf(name.trim().toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown capability [" + name.trim() + "]; the capabilities are "
                            + Arrays.stream(Capability.values()).map(c -> c.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", ")), e);
                }
            }
        }
        return capabilities;
    }

    private static List<Pattern> patterns(List<String> values) {
        List<Pattern> patterns = new ArrayList<>();
        for (String value : values) {
            try {
                patterns.add(Pattern.compile(value));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("[" + value + "] is not a regular expression: " + e.getDescription(), e);
            }
        }
        return List.copyOf(patterns);
    }

    /** Collects settings from a file, flags or properties, in that order; {@link #build} checks and resolves them. */
    public static final class Builder {
        private final Map<Setting, List<String>> values = new EnumMap<>(Setting.class);
        private final Map<String, Map<String, String>> personas = new LinkedHashMap<>();

        private Builder() {
        }

        /** Sets a setting: a single value replaces the one before, a repeatable setting gains one more value. */
        public Builder set(Setting setting, String value) {
            List<String> list = values.computeIfAbsent(setting, k -> new ArrayList<>());
            if (!setting.repeatable()) {
                list.clear();
            }
            list.add(value);
            return this;
        }

        /** As {@link #set(Setting, String)}, by the setting's key ({@code ca-cert}). */
        public Builder set(String key, String value) {
            Setting setting = Setting.byKey(key);
            if (setting == null) {
                throw new IllegalArgumentException("unknown setting [" + key + "]");
            }
            return set(setting, value);
        }

        /**
         * Reads {@code file} or, when it is null, {@value #DEFAULT_FILE} in the working directory if there is one.
         *
         * @throws IllegalArgumentException when the file cannot be read, holds an unknown key or names an unset
         *                                  environment variable
         */
        public Builder loadDefaultOr(Path file, Map<String, String> env) {
            if (file != null) {
                return load(file, env);
            }
            Path fallback = Path.of(DEFAULT_FILE);
            return Files.isRegularFile(fallback) ? load(fallback, env) : this;
        }

        /**
         * Reads a configuration file: the settings' keys at the top level, a list for a repeatable setting
         * ({@code header} and {@code opt-out} may also be maps), and {@code personas}, a map from persona to
         * {@code user} with {@code password-env}, or {@code api-key-env}. {@code ${VAR}} in any value is replaced by
         * that environment variable.
         */
        public Builder load(Path file, Map<String, String> env) {
            JsonNode root;
            try {
                root = new YAMLMapper().readTree(Files.readString(file));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
            }
            if (root == null || root.isMissingNode() || root.isNull()) {
                return this;
            }
            if (!root.isObject()) {
                throw new IllegalArgumentException(file + ": expected settings as a map");
            }
            for (Map.Entry<String, JsonNode> entry : root.properties()) {
                String where = file + ": " + entry.getKey();
                if (entry.getKey().equals("personas")) {
                    readPersonas(entry.getValue(), where, env);
                    continue;
                }
                Setting setting = Setting.byKey(entry.getKey());
                if (setting == null) {
                    throw new IllegalArgumentException(file + ": unknown key [" + entry.getKey() + "]; the keys are personas, "
                            + Arrays.stream(Setting.values()).map(Setting::key).collect(Collectors.joining(", ")));
                }
                JsonNode value = entry.getValue();
                if (value.isObject() && (setting == Setting.HEADER || setting == Setting.OPT_OUT)) {
                    String separator = setting == Setting.HEADER ? ":" : "=";
                    value.properties().forEach(pair -> set(setting, expand(pair.getKey(), where, env) + separator
                            + expand(scalar(pair.getValue(), where), where, env)));
                } else if (value.isArray() && setting.repeatable()) {
                    value.forEach(item -> set(setting, expand(scalar(item, where), where, env)));
                } else {
                    set(setting, expand(scalar(value, where), where, env));
                }
            }
            return this;
        }

        private void readPersonas(JsonNode node, String where, Map<String, String> env) {
            if (!node.isObject()) {
                throw new IllegalArgumentException(where + ": expected a map from persona to its credentials");
            }
            for (Map.Entry<String, JsonNode> persona : node.properties()) {
                if (!Persona.names().contains(persona.getKey())) {
                    throw new IllegalArgumentException(where + ": unknown persona [" + persona.getKey() + "]; the personas are "
                            + String.join(", ", Persona.names()));
                }
                Map<String, String> keys = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> key : persona.getValue().properties()) {
                    if (!Set.of("user", "password-env", "api-key-env").contains(key.getKey())) {
                        throw new IllegalArgumentException(where + "." + persona.getKey() + ": unknown key [" + key.getKey()
                                + "]; a persona has user with password-env, or api-key-env");
                    }
                    keys.put(key.getKey(), expand(scalar(key.getValue(), where), where, env));
                }
                personas.put(persona.getKey(), keys);
            }
        }

        private static String scalar(JsonNode node, String where) {
            if (!node.isValueNode() || node.isNull()) {
                throw new IllegalArgumentException(where + ": expected a value, not " + node);
            }
            return node.asText();
        }

        private static String expand(String text, String where, Map<String, String> env) {
            Matcher reference = ENV_REFERENCE.matcher(text);
            StringBuilder expanded = new StringBuilder();
            while (reference.find()) {
                String value = env.get(reference.group(1));
                if (value == null) {
                    throw new IllegalArgumentException(where + ": environment variable " + reference.group(1)
                            + " is not set");
                }
                reference.appendReplacement(expanded, Matcher.quoteReplacement(value));
            }
            return reference.appendTail(expanded).toString();
        }

        private String single(Setting setting) {
            List<String> list = values.get(setting);
            return list == null || list.isEmpty() ? null : list.get(list.size() - 1);
        }

        private List<String> all(Setting setting) {
            return values.getOrDefault(setting, List.of());
        }

        /** Judges the service against the reference at {@code url}: {@link Setting#REFERENCE}. */
        public Builder reference(String url) {
            return set(Setting.REFERENCE, url);
        }

        /**
         * The configuration, with the secrets read from {@code env}.
         *
         * @throws IllegalArgumentException for a bad value or combination, or an unset environment variable
         */
        public KitConfig build(Map<String, String> env) {
            return new KitConfig(this, env);
        }
    }
}
