package io.anomalykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.anomalykit.server.http.EmulatedVersion;
import io.anomalykit.server.http.EndpointGroup;
import io.anomalykit.server.security.CredentialPool;
import io.anomalykit.server.security.LoginThrottle;
import io.anomalykit.server.security.SecuritySettings;
import io.anomalykit.server.store.ClusterSettings;
import io.anomalykit.server.store.DiskWatermark;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting of the server, declared once in {@link #TABLE}: its config key, environment variable and flag, its
 * type, default and help. The launcher reads them from a config file (JSON, or YAML by its {@code .yml}/{@code .yaml}
 * name), the environment and flags (each overriding the one before); {@link AnomalyVerticle} from its JSON config.
 * Bad values fail with one line naming where they came from.
 */
final class ServerSettings {

    /** How a setting's text becomes its value, and how its value is shown in help. */
    record Kind(String shape, Function<String, Object> parse) {
        static Kind count(long least, long most) {
            return new Kind("N", text -> {
                try {
                    long value = Long.parseLong(text);
                    if (value >= least && value <= most) {
                        return value;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new IllegalArgumentException("must be a whole number from " + least + " to " + most + ", not ["
                        + text + "]");
            });
        }

        /** A flag of this kind may stand alone ({@code --demo}), meaning true. */
        boolean isSwitch() {
            return this == BOOLEAN;
        }
    }

    static final Kind TEXT = new Kind("TEXT", text -> text);
    static final Kind SECRET = new Kind("SECRET", text -> text);
    static final Kind PATH = new Kind("PATH", Path::of);
    /** Several files: a list in a config file, the flag repeated, or comma-separated in the environment. */
    static final Kind PATHS = new Kind("PATH...", text -> List.of(text.split(",")).stream().map(String::trim)
            .filter(item -> !item.isEmpty()).map(Path::of).toList());
    static final Kind BOOLEAN = new Kind("true|false", text -> switch (text) {
        case "true" -> true;
        case "false" -> false;
        default -> throw new IllegalArgumentException("must be true or false, not [" + text + "]");
    });
    static final Kind PORT = new Kind("0-65535", text -> {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("must be a number from 0 to 65535, not [" + text + "]");
    });
    static final Kind URL = new Kind("URL", ServerSettings::url);
    static final Kind STORE = new Kind("embedded|cluster", text -> {
        if (!text.equals("embedded") && !text.equals("cluster")) {
            throw new IllegalArgumentException("is embedded or cluster, not [" + text + "]");
        }
        return text;
    });
    static final Kind VERSION = new Kind("8|9", text -> {
        try {
            return EmulatedVersion.ofMajor(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be 8 or 9, not [" + text + "]");
        }
    });
    static final Kind GROUPS = new Kind("results,seeding,security", text -> {
        Set<EndpointGroup> groups = EnumSet.noneOf(EndpointGroup.class);
        for (String name : text.split(",")) {
            try {
                groups.add(EndpointGroup.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("lists results, seeding and security, not [" + text + "]");
            }
        }
        return groups;
    });

    /**
     * One setting. The flag is {@code --key-with-dashes} (none for a secret: a flag shows in the process list) and the
     * environment variable {@code ANOMALYKIT_KEY} unless given.
     *
     * @param apply passes a given value on to the builder; null for the settings {@link #builder()} combines
     */
    record Setting(String key, String env, Kind kind, String defaultValue, String help,
                   BiConsumer<AnomalyServer.Builder, Object> apply) {
        Setting(String key, Kind kind, String defaultValue, String help, BiConsumer<AnomalyServer.Builder, Object> apply) {
            this(key, "ANOMALYKIT_" + key.toUpperCase(Locale.ROOT), kind, defaultValue, help, apply);
        }

        String flag() {
            return kind == SECRET ? null : "--" + key.replace('_', '-');
        }

        Object parse(String text, String where) {
            try {
                return kind.parse().apply(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + " " + e.getMessage());
            }
        }
    }

    static final Setting HOST = new Setting("host", TEXT, "127.0.0.1", "address to listen on",
            (b, v) -> b.host((String) v));
    static final Setting PORT_SETTING = new Setting("port", PORT, "9200", "port to listen on (0: any free port)",
            (b, v) -> b.port((Integer) v));
    static final Setting DATA = new Setting("data", PATH, "data", "directory of the embedded stores",
            (b, v) -> b.dataDirectory((Path) v));
    static final Setting DEMO = new Setting("demo", BOOLEAN, "false", "load the documented example data into an empty store",
            (b, v) -> b.demo((Boolean) v));
    static final Setting LOAD = new Setting("load", PATHS, "", "_bulk NDJSON files to apply at start",
            (b, v) -> ((List<?>) v).forEach(file -> b.preload((Path) file)));
    static final Setting EVENT_LOOPS = new Setting("event_loops", Kind.count(1, 1024), "the cores",
            "verticle instances serving on one port, each on its own event loop",
            (b, v) -> b.eventLoops(((Long) v).intValue()));
    static final Setting ENDPOINTS = new Setting("endpoints", GROUPS, "results,seeding,security", "API groups served",
            (b, v) -> b.endpoints(castGroups(v)));
    static final Setting COMPATIBILITY = new Setting("compatibility", VERSION, "8", "Elasticsearch major version to answer as",
            (b, v) -> b.compatibility((EmulatedVersion) v));
    static final Setting SECURITY = new Setting("security", BOOLEAN, "true", "authentication and authorization", null);
    static final Setting SECURITY_CONFIG = new Setting("security_config", PATH, "",
            "directory of the file realm (users, users_roles, roles.yml), reloaded when it changes", null);
    static final Setting INDEX_PRIVILEGE_CHECK = new Setting("index_privilege_check", BOOLEAN, "true",
            "check index privileges on the results indices", null);
    static final Setting ELASTIC_PASSWORD = new Setting("elastic_password", "ELASTIC_PASSWORD", SECRET, "",
            "the elastic superuser's password (generated and printed once with --demo)", null);
    static final Setting TLS_CERT = new Setting("tls_cert", PATH, "", "PEM certificate (chain): serve HTTPS", null);
    static final Setting TLS_KEY = new Setting("tls_key", PATH, "", "PEM private key of tls_cert", null);
    static final Setting STORE_KIND = new Setting("store", STORE, "embedded", "where results and security objects live", null);
    static final Setting STORE_URL = new Setting("store_url", URL, "", "the cluster store's address", null);
    static final Setting STORE_USER = new Setting("store_user", TEXT, "", "the cluster store's user", null);
    static final Setting STORE_PASSWORD = new Setting("store_password", SECRET, "", "the cluster store user's password", null);
    static final Setting STORE_CA = new Setting("store_ca", PATH, "", "PEM CA the cluster store's certificate is checked with", null);
    static final Setting STORE_READ_ONLY = new Setting("store_read_only", BOOLEAN, "false",
            "never write to the cluster store", null);
    static final Setting CREDENTIAL_THREADS = new Setting("credential_threads", Kind.count(1, 1024), "cores - 1, at least 1",
            "password hashes checked at once", (b, v) -> b.credentialThreads(((Long) v).intValue()));
    static final Setting CREDENTIAL_QUEUE = new Setting("credential_queue", Kind.count(0, Integer.MAX_VALUE),
            Integer.toString(CredentialPool.DEFAULT_QUEUE),
            "password checks that may wait before the next is answered 429",
            (b, v) -> b.credentialQueue(((Long) v).intValue()));
    static final Setting STORE_THREADS = new Setting("store_threads", Kind.count(1, 1024), "cores, at least 2",
            "threads of the anomalykit-store pool: store reads and writes, _bulk parsing, large answers",
            (b, v) -> b.storeThreads(((Long) v).intValue()));
    static final Setting IDLE_TIMEOUT = new Setting("idle_timeout", Kind.count(1, 3600),
            Long.toString(AnomalyServer.DEFAULT_IDLE_TIMEOUT.toSeconds()),
            "seconds without a byte read or written after which a connection is closed",
            (b, v) -> b.idleTimeout(Duration.ofSeconds((Long) v)));
    static final Setting HEADER_TIMEOUT = new Setting("header_timeout", Kind.count(1, 3600),
            Long.toString(AnomalyServer.DEFAULT_HEADER_TIMEOUT.toSeconds()),
            "seconds a connection has to send a request's line and headers",
            (b, v) -> b.headerTimeout(Duration.ofSeconds((Long) v)));
    static final Setting MAX_CONNECTIONS = new Setting("max_connections", Kind.count(1, Integer.MAX_VALUE),
            Integer.toString(AnomalyServer.DEFAULT_MAX_CONNECTIONS), "open connections allowed at once",
            (b, v) -> b.maxConnections(((Long) v).intValue()));
    static final Setting MAX_IN_FLIGHT_BYTES = new Setting("max_in_flight_bytes", Kind.count(1, Long.MAX_VALUE),
            "the heap", "the in-flight breaker's limit: request body bytes held at once over all requests, times 2; "
            + "beyond it 429", (b, v) -> b.maxInFlightBodyBytes((Long) v));
    static final Setting LOGIN_THROTTLE_ATTEMPTS = new Setting("login_throttle_attempts", Kind.count(0, Integer.MAX_VALUE),
            "0", "failed password logins allowed from one address within the window before its logins are refused "
            + "(0: off)", (b, v) -> b.loginThrottleAttempts(((Long) v).intValue()));
    static final Setting LOGIN_THROTTLE_WINDOW = new Setting("login_throttle_window", Kind.count(1, 86_400),
            Long.toString(LoginThrottle.DEFAULT_WINDOW.toSeconds()), "seconds an address's failed logins count, from its first",
            (b, v) -> b.loginThrottleWindow(Duration.ofSeconds((Long) v)));
    static final Setting FLOOD_STAGE_FREE_BYTES = new Setting("flood_stage_free_bytes", Kind.count(0, Long.MAX_VALUE),
            "min(5% of the disk, 100 GB)", "bytes that must stay free on the data path, else writes are refused (0: off)",
            (b, v) -> b.floodStageFreeBytes((Long) v));
    static final Setting DISK_CHECK_INTERVAL = new Setting("disk_check_interval", Kind.count(1, 3600),
            Long.toString(DiskWatermark.DEFAULT_CHECK_INTERVAL.toSeconds()), "seconds between readings of the data path's free space",
            (b, v) -> b.diskCheckInterval(Duration.ofSeconds((Long) v)));

    /** Every setting, in the order help lists them. A new setting is one more constant and one more entry here. */
    static final List<Setting> TABLE = List.of(HOST, PORT_SETTING, DATA, DEMO, LOAD, EVENT_LOOPS, ENDPOINTS, COMPATIBILITY,
            SECURITY, SECURITY_CONFIG, INDEX_PRIVILEGE_CHECK, ELASTIC_PASSWORD, TLS_CERT, TLS_KEY, STORE_KIND, STORE_URL,
            STORE_USER, STORE_PASSWORD, STORE_CA, STORE_READ_ONLY, CREDENTIAL_THREADS, CREDENTIAL_QUEUE, STORE_THREADS, IDLE_TIMEOUT,
            HEADER_TIMEOUT, MAX_CONNECTIONS, MAX_IN_FLIGHT_BYTES, LOGIN_THROTTLE_ATTEMPTS, LOGIN_THROTTLE_WINDOW,
            FLOOD_STAGE_FREE_BYTES, DISK_CHECK_INTERVAL);

    /** The config file: a flag and an environment variable only. */
    static final String CONFIG_FLAG = "--config";
    static final String CONFIG_ENV = "ANOMALYKIT_CONFIG";

    /** The values given, by setting; a setting not given keeps its default. */
    private final Map<Setting, Object> values = new LinkedHashMap<>();

    private ServerSettings() {
    }

    /** The launcher's: a config file ({@code --config} or {@code ANOMALYKIT_CONFIG}), then the environment, then flags. */
    static ServerSettings resolve(String[] args, Map<String, String> env) {
        ServerSettings settings = new ServerSettings();
        String configFile = env.get(CONFIG_ENV);
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(CONFIG_FLAG)) {
                configFile = value(args, ++i, CONFIG_FLAG);
            }
        }
        if (configFile != null) {
            settings.applyTree(readConfig(Path.of(configFile)), "config file " + configFile);
        }
        settings.applyEnv(env);
        settings.applyFlags(args);
        settings.check();
        return settings;
    }

    /** A verticle's: its JSON config, then the environment for the secrets it does not hold. */
    static ServerSettings fromConfig(JsonObject config, Map<String, String> env) {
        ServerSettings settings = new ServerSettings();
        try {
            settings.applyTree(new ObjectMapper().readTree(config.encode()), "verticle config");
        } catch (IOException e) {
            throw new IllegalArgumentException("verticle config: " + e.getMessage());
        }
        for (Setting secret : List.of(ELASTIC_PASSWORD, STORE_PASSWORD)) {
            if (!settings.values.containsKey(secret) && env.containsKey(secret.env())) {
                settings.values.put(secret, env.get(secret.env()));
            }
        }
        settings.check();
        return settings;
    }

    private static JsonNode readConfig(Path file) {
        String name = file.getFileName().toString();
        ObjectMapper parser = name.endsWith(".yml") || name.endsWith(".yaml") ? new YAMLMapper() : new ObjectMapper();
        try {
            return parser.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    private void applyTree(JsonNode config, String where) {
        if (config == null || !config.isObject()) {
            throw new IllegalArgumentException(where + " must hold an object");
        }
        for (Map.Entry<String, JsonNode> entry : config.properties()) {
            Setting setting = byKey(entry.getKey());
            if (setting == null) {
                throw new IllegalArgumentException("unknown setting [" + entry.getKey() + "] in " + where + "; known: "
                        + TABLE.stream().map(Setting::key).collect(Collectors.joining(", ")));
            }
            JsonNode value = entry.getValue();
            String name = "config [" + setting.key() + "]";
            if (setting.kind() == PATHS && value.isArray()) {
                List<Object> files = new ArrayList<>();
                value.forEach(item -> files.addAll((List<?>) setting.parse(scalar(item, name), name)));
                values.put(setting, files);
            } else {
                values.put(setting, setting.parse(scalar(value, name), name));
            }
        }
    }

    private static String scalar(JsonNode value, String name) {
        if (!value.isValueNode() || value.isNull()) {
            throw new IllegalArgumentException(name + " must be a string, number or boolean");
        }
        return value.asText();
    }

    private void applyEnv(Map<String, String> env) {
        for (Setting setting : TABLE) {
            if (env.containsKey(setting.env())) {
                values.put(setting, setting.parse(env.get(setting.env()), setting.env()));
            }
        }
    }

    private void applyFlags(String[] args) {
        List<Path> loads = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals(CONFIG_FLAG)) {
                i++;
                continue;
            }
            Setting setting = TABLE.stream().filter(s -> arg.equals(s.flag())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown option [" + arg + "]; --help lists them"));
            String text;
            if (setting.kind().isSwitch() && (i + 1 >= args.length || args[i + 1].startsWith("--"))) {
                text = "true";
            } else {
                text = value(args, ++i, arg);
            }
            Object value = setting.parse(text, arg);
            if (setting == LOAD) {
                ((List<?>) value).forEach(file -> loads.add((Path) file));
                values.put(LOAD, List.copyOf(loads));
            } else {
                values.put(setting, value);
            }
        }
    }

    /** What no single setting can judge: the ones that go together, and the files that must be readable. */
    private void check() {
        boolean cluster = "cluster".equals(get(STORE_KIND));
        if (cluster != values.containsKey(STORE_URL)) {
            throw new IllegalArgumentException("--store cluster and --store-url go together");
        }
        if (Boolean.TRUE.equals(get(STORE_READ_ONLY)) && !cluster) {
            throw new IllegalArgumentException("--store-read-only is for --store cluster");
        }
        if (values.containsKey(TLS_CERT) != values.containsKey(TLS_KEY)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together");
        }
        for (Setting file : List.of(STORE_CA, TLS_CERT, TLS_KEY)) {
            if (values.containsKey(file) && !Files.isReadable((Path) values.get(file))) {
                throw new IllegalArgumentException(values.get(file) + ": no such readable file");
            }
        }
        for (Object load : loads()) {
            if (!Files.isReadable((Path) load)) {
                throw new IllegalArgumentException("--load " + load + ": no such readable file");
            }
        }
    }

    /** The value given, or null for the default. */
    Object get(Setting setting) {
        return values.get(setting);
    }

    boolean given(Setting setting) {
        return values.containsKey(setting);
    }

    boolean demo() {
        return Boolean.TRUE.equals(get(DEMO));
    }

    boolean security() {
        return !Boolean.FALSE.equals(get(SECURITY));
    }

    String host() {
        return values.containsKey(HOST) ? (String) get(HOST) : HOST.defaultValue();
    }

    private List<?> loads() {
        return values.containsKey(LOAD) ? (List<?>) get(LOAD) : List.of();
    }

    /**
     * What the instances deployed with these settings share their stores by: the cluster store's address, else the
     * data directory.
     */
    String storeKey() {
        return values.containsKey(STORE_URL) ? "cluster:" + get(STORE_URL)
                : "data:" + (values.containsKey(DATA) ? (Path) get(DATA) : Path.of(DATA.defaultValue()))
                        .toAbsolutePath().normalize();
    }

    /**
     * A builder with every given setting applied; the elastic password is the given one or {@code elasticPassword}
     * (the launcher's generated one).
     */
    AnomalyServer.Builder builder() {
        return builder((String) get(ELASTIC_PASSWORD));
    }

    AnomalyServer.Builder builder(String elasticPassword) {
        AnomalyServer.Builder builder = AnomalyServer.builder().eventLoops(Runtime.getRuntime().availableProcessors());
        values.forEach((setting, value) -> {
            if (setting.apply() != null) {
                setting.apply().accept(builder, value);
            }
        });
        builder.security(new SecuritySettings(security(), (Path) get(SECURITY_CONFIG), elasticPassword,
                !Boolean.FALSE.equals(get(INDEX_PRIVILEGE_CHECK))));
        if (values.containsKey(TLS_CERT)) {
            builder.tls((Path) get(TLS_CERT), (Path) get(TLS_KEY));
        }
        if (values.containsKey(STORE_URL)) {
            builder.clusterStore(clusterStore());
        }
        return builder;
    }

    ClusterSettings clusterStore() {
        String user = (String) get(STORE_USER);
        Object password = get(STORE_PASSWORD);
        return new ClusterSettings((URI) get(STORE_URL), user, user == null ? null : password == null ? "" : (String) password,
                values.containsKey(STORE_CA) ? get(STORE_CA).toString() : null, 30_000, "1s",
                Boolean.TRUE.equals(get(STORE_READ_ONLY)));
    }

    /** {@code --help}: every setting with its flag, environment variable, config key, type, default and help. */
    static String help() {
        StringBuilder text = new StringBuilder("usage: anomalykit [--config FILE.json|FILE.yaml] [--flag value]...\n"
                + "Each setting comes from its flag, else its environment variable, else the config file ("
                + CONFIG_FLAG + " or " + CONFIG_ENV + "), else its default. Secrets have no flag.\n\n");
        for (Setting setting : TABLE) {
            text.append(String.format(Locale.ROOT, "  %-26s %-32s %s%n      %s (%s; default: %s)%n",
                    setting.flag() == null ? "(no flag)" : setting.flag() + " " + setting.kind().shape(), setting.env(),
                    "config: " + setting.key(), setting.help(), setting.kind().shape(),
                    setting.defaultValue().isEmpty() ? "none" : setting.defaultValue()));
        }
        return text.toString();
    }

    /** The table in Markdown, as docs/hosting.md shows it (a test keeps the two equal). */
    static String markdownTable() {
        StringBuilder text = new StringBuilder("| config key | environment variable | flag | type | default | what it is |\n"
                + "|---|---|---|---|---|---|\n");
        for (Setting setting : TABLE) {
            text.append("| `").append(setting.key()).append("` | `").append(setting.env()).append("` | ")
                    .append(setting.flag() == null ? "—" : "`" + setting.flag() + "`").append(" | `")
                    .append(cell(setting.kind().shape())).append("` | ")
                    .append(setting.defaultValue().isEmpty() ? "—" : cell(setting.defaultValue())).append(" | ")
                    .append(cell(setting.help())).append(" |\n");
        }
        return text.toString();
    }

    /** A table cell's text: a bar would end the cell, even in code. */
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    private static Setting byKey(String key) {
        return TABLE.stream().filter(s -> s.key().equals(key)).findFirst().orElse(null);
    }

    @SuppressWarnings("unchecked")
    private static Set<EndpointGroup> castGroups(Object value) {
        return (Set<EndpointGroup>) value;
    }

    private static String value(String[] args, int index, String flag) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[index];
    }

    private static URI url(String text) {
        try {
            URI url = new URI(text);
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                throw new URISyntaxException(text, "not an http or https address");
            }
            return url;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("[" + text + "]: " + e.getReason());
        }
    }
}
