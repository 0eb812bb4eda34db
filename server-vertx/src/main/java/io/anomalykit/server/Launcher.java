package io.anomalykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.server.http.EmulatedVersion;
import io.anomalykit.server.security.SecuritySettings;
import io.anomalykit.server.store.ClusterSettings;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.UUID;

/**
 * {@code java -jar anomalykit-server.jar [--host H] [--port P] [--data DIR] [--demo] [--load FILE.ndjson]...
 * [--config FILE.json] [--store cluster --store-url URL] [--compatibility 8|9]}. Settings come from the flags, then {@code ANOMALYKIT_*}
 * environment variables, then the config file, then defaults. Bad settings print one line and exit with 2.
 */
public final class Launcher {

    static final int BAD_USAGE = 2;

    private Launcher() {
    }

    public static void main(String[] args) {
        Settings settings;
        try {
            settings = Settings.resolve(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("anomalykit: " + e.getMessage());
            System.exit(BAD_USAGE);
            return;
        }
        String elasticPassword = System.getenv("ELASTIC_PASSWORD");
        if (settings.security && elasticPassword == null && settings.demo) {
            elasticPassword = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
            System.err.println("anomalykit: generated password for the elastic user: " + elasticPassword
                    + " (set ELASTIC_PASSWORD to choose it; this is printed once)");
        }
        if (!settings.security) {
            System.err.println("anomalykit: WARNING: SECURITY IS OFF (--security false): every request is served without "
                    + "authentication or authorization");
        }
        AnomalyServer.Builder builder = AnomalyServer.builder().host(settings.host).port(settings.port)
                .dataDirectory(settings.data).demo(settings.demo).compatibility(settings.compatibility)
                .security(new SecuritySettings(settings.security, settings.securityConfig, elasticPassword,
                        settings.indexPrivilegeCheck));
        settings.loads.forEach(builder::preload);
        settings.applyCounts(builder);
        if (settings.storeUrl != null) {
            builder.clusterStore(settings.clusterStore(System.getenv()));
        }
        if (settings.tlsCertificate != null) {
            builder.tls(settings.tlsCertificate, settings.tlsKey);
        }
        AnomalyServer server;
        try {
            server = builder.start().toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("anomalykit: cannot start: " + cause.getMessage());
            System.exit(cause instanceof IllegalArgumentException ? BAD_USAGE : 1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("anomalykit: unclean shutdown: " + e.getMessage());
            }
        }, "anomalykit-shutdown"));
        System.out.println("anomalykit listening on " + server.scheme() + "://" + settings.host + ":" + server.port());
        System.out.flush();
    }

    /**
     * A setting declared once, by its config-file key; its flag ({@code --key-with-dashes}) and environment variable
     * ({@code ANOMALYKIT_KEY}) follow from it.
     */
    record Setting(String key) {
        String flag() {
            return "--" + key.replace('_', '-');
        }

        String env() {
            return "ANOMALYKIT_" + key.toUpperCase(Locale.ROOT);
        }
    }

    /** The Elasticsearch major version to emulate: 8 (default) or 9. */
    static final Setting COMPATIBILITY = new Setting("compatibility");
    /** How many password hashes are checked at once (default: cores - 1, at least 1). */
    static final Setting CREDENTIAL_THREADS = new Setting("credential_threads");
    /** How many more password checks may wait before the next is answered 429 (default 1000). */
    static final Setting CREDENTIAL_QUEUE = new Setting("credential_queue");

    /** Seconds without a byte read or written after which a connection is closed (default 60). */
    static final Setting IDLE_TIMEOUT = new Setting("idle_timeout");
    /** Seconds a connection has to send a request's line and headers (default 30). */
    static final Setting HEADER_TIMEOUT = new Setting("header_timeout");
    /** Open connections allowed at once (default 1000). */
    static final Setting MAX_CONNECTIONS = new Setting("max_connections");
    /** The in-flight breaker's limit: request body bytes held at once, times 2 (default the heap). */
    static final Setting MAX_IN_FLIGHT_BYTES = new Setting("max_in_flight_bytes");

    /** Failed password logins allowed from one address within the window before its logins are refused (default 0: off). */
    static final Setting LOGIN_THROTTLE_ATTEMPTS = new Setting("login_throttle_attempts");
    /** Seconds an address's failed logins count, from its first (default 60). */
    static final Setting LOGIN_THROTTLE_WINDOW = new Setting("login_throttle_window");

    /** Bytes that must stay free on the data path, else writes are refused (default min(5% of the disk, 100 GB); 0 off). */
    static final Setting FLOOD_STAGE_FREE_BYTES = new Setting("flood_stage_free_bytes");

    /** Seconds between readings of the data path's free space (default 30, as cluster.info.update.interval). */
    static final Setting DISK_CHECK_INTERVAL = new Setting("disk_check_interval");

    /** The settings that are whole numbers, each with its least and greatest allowed value. */
    static final Map<Setting, long[]> COUNTS = Map.of(CREDENTIAL_THREADS, new long[] {1, 1024},
            CREDENTIAL_QUEUE, new long[] {0, Integer.MAX_VALUE}, IDLE_TIMEOUT, new long[] {1, 3600},
            HEADER_TIMEOUT, new long[] {1, 3600}, MAX_CONNECTIONS, new long[] {1, Integer.MAX_VALUE},
            MAX_IN_FLIGHT_BYTES, new long[] {1, Long.MAX_VALUE}, FLOOD_STAGE_FREE_BYTES, new long[] {0, Long.MAX_VALUE},
            LOGIN_THROTTLE_ATTEMPTS, new long[] {0, Integer.MAX_VALUE}, LOGIN_THROTTLE_WINDOW, new long[] {1, 86_400},
            DISK_CHECK_INTERVAL, new long[] {1, 3600});

    /** The resolved settings of one start. */
    static final class Settings {
        String host = "127.0.0.1";
        int port = 9200;
        Path data = Path.of("data");
        boolean demo;
        List<Path> loads = new ArrayList<>();
        boolean security = true;
        Path securityConfig;
        boolean indexPrivilegeCheck = true;
        Path tlsCertificate;
        Path tlsKey;
        String store = "embedded";
        URI storeUrl;
        String storeUser;
        Path storeCa;
        boolean storeReadOnly;
        EmulatedVersion compatibility = EmulatedVersion.DEFAULT;
        /** The whole-number settings given, by setting; absent ones keep the server's defaults. */
        Map<Setting, Long> counts = new HashMap<>();

        static Settings resolve(String[] args, Map<String, String> env) {
            Settings settings = new Settings();
            String configFile = env.get("ANOMALYKIT_CONFIG");
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--config")) {
                    configFile = value(args, ++i, "--config");
                }
            }
            if (configFile != null) {
                settings.applyConfig(Path.of(configFile));
            }
            settings.applyEnv(env);
            settings.applyFlags(args);
            return settings;
        }

        private void applyConfig(Path file) {
            JsonNode config;
            try {
                config = new ObjectMapper().readTree(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read config file " + file + ": " + e.getMessage());
            }
            if (config == null || !config.isObject()) {
                throw new IllegalArgumentException("config file " + file + " must hold a JSON object");
            }
            for (Map.Entry<String, JsonNode> entry : config.properties()) {
                JsonNode value = entry.getValue();
                if (entry.getKey().equals(COMPATIBILITY.key())) {
                    compatibility = compatibility(value.isNumber() ? value.asText() : text(value, COMPATIBILITY.key()),
                            "config [" + COMPATIBILITY.key() + "]");
                    continue;
                }
                Setting count = countSetting(entry.getKey());
                if (count != null) {
                    counts.put(count, count(value.isNumber() ? value.asText() : text(value, count.key()), count,
                            "config [" + count.key() + "]"));
                    continue;
                }
                switch (entry.getKey()) {
                    case "host" -> host = text(value, "host");
                    case "port" -> port = port(value.isNumber() ? value.asText() : text(value, "port"));
                    case "data" -> data = Path.of(text(value, "data"));
                    case "demo" -> demo = bool(value, "demo");
                    case "security" -> security = bool(value, "security");
                    case "security_config" -> securityConfig = Path.of(text(value, "security_config"));
                    case "index_privilege_check" -> indexPrivilegeCheck = bool(value, "index_privilege_check");
                    case "load" -> {
                        if (!value.isArray()) {
                            throw new IllegalArgumentException("config [load] must be a list of files");
                        }
                        value.forEach(item -> loads.add(Path.of(text(item, "load"))));
                    }
                    default -> throw new IllegalArgumentException("unknown setting [" + entry.getKey() + "] in " + file
                            + "; known: host, port, data, demo, load, security, security_config, index_privilege_check, "
                            + COMPATIBILITY.key() + ", " + String.join(", ", countKeys()));
                }
            }
        }

        private void applyEnv(Map<String, String> env) {
            if (env.containsKey("ANOMALYKIT_HOST")) {
                host = env.get("ANOMALYKIT_HOST");
            }
            if (env.containsKey("ANOMALYKIT_PORT")) {
                port = port(env.get("ANOMALYKIT_PORT"));
            }
            if (env.containsKey("ANOMALYKIT_DATA")) {
                data = Path.of(env.get("ANOMALYKIT_DATA"));
            }
            if (env.containsKey("ANOMALYKIT_SECURITY")) {
                security = flag(env.get("ANOMALYKIT_SECURITY"), "ANOMALYKIT_SECURITY");
            }
            if (env.containsKey("ANOMALYKIT_SECURITY_CONFIG")) {
                securityConfig = Path.of(env.get("ANOMALYKIT_SECURITY_CONFIG"));
            }
            if (env.containsKey("ANOMALYKIT_DEMO")) {
                demo = flag(env.get("ANOMALYKIT_DEMO"), "ANOMALYKIT_DEMO");
            }
            if (env.containsKey(COMPATIBILITY.env())) {
                compatibility = compatibility(env.get(COMPATIBILITY.env()), COMPATIBILITY.env());
            }
            for (Setting count : COUNTS.keySet()) {
                if (env.containsKey(count.env())) {
                    counts.put(count, count(env.get(count.env()), count, count.env()));
                }
            }
        }

        private void applyFlags(String[] args) {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals(COMPATIBILITY.flag())) {
                    compatibility = compatibility(value(args, ++i, COMPATIBILITY.flag()), COMPATIBILITY.flag());
                    continue;
                }
                String arg = args[i];
                Setting count = COUNTS.keySet().stream().filter(c -> c.flag().equals(arg)).findFirst().orElse(null);
                if (count != null) {
                    counts.put(count, count(value(args, ++i, count.flag()), count, count.flag()));
                    continue;
                }
                switch (args[i]) {
                    case "--host" -> host = value(args, ++i, "--host");
                    case "--port" -> port = port(value(args, ++i, "--port"));
                    case "--data" -> data = Path.of(value(args, ++i, "--data"));
                    case "--demo" -> demo = true;
                    case "--load" -> loads.add(Path.of(value(args, ++i, "--load")));
                    case "--security" -> security = flag(value(args, ++i, "--security"), "--security");
                    case "--security-config" -> securityConfig = Path.of(value(args, ++i, "--security-config"));
                    case "--index-privilege-check" -> indexPrivilegeCheck = flag(value(args, ++i, "--index-privilege-check"),
                            "--index-privilege-check");
                    case "--tls-cert" -> tlsCertificate = Path.of(value(args, ++i, "--tls-cert"));
                    case "--tls-key" -> tlsKey = Path.of(value(args, ++i, "--tls-key"));
                    case "--store" -> store = value(args, ++i, "--store");
                    case "--store-url" -> storeUrl = url(value(args, ++i, "--store-url"));
                    case "--store-user" -> storeUser = value(args, ++i, "--store-user");
                    case "--store-ca" -> storeCa = Path.of(value(args, ++i, "--store-ca"));
                    case "--store-read-only" -> storeReadOnly = true;
                    case "--config" -> i++;
                    default -> throw new IllegalArgumentException("unknown option [" + args[i] + "]; usage: "
                            + "[--host H] [--port P] [--data DIR] [--demo] [--load FILE.ndjson]... [--config FILE.json] "
                            + "[--security true|false] [--security-config DIR] [--index-privilege-check true|false] "
                            + "[--tls-cert PEM --tls-key PEM] [--store embedded|cluster --store-url URL [--store-user USER] "
                            + "[--store-ca PEM] [--store-read-only]] [" + COMPATIBILITY.flag() + " 8|9]"
                            + countKeys().stream().map(key -> " [" + new Setting(key).flag() + " N]")
                                    .collect(Collectors.joining()));
                }
            }
            if (!store.equals("embedded") && !store.equals("cluster")) {
                throw new IllegalArgumentException("--store is embedded or cluster, not [" + store + "]");
            }
            if (store.equals("cluster") != (storeUrl != null)) {
                throw new IllegalArgumentException("--store cluster and --store-url go together");
            }
            if (storeReadOnly && storeUrl == null) {
                throw new IllegalArgumentException("--store-read-only is for --store cluster");
            }
            if (storeCa != null && !Files.isReadable(storeCa)) {
                throw new IllegalArgumentException(storeCa + ": no such readable file");
            }
            if ((tlsCertificate == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("--tls-cert and --tls-key go together");
            }
            for (Path tls : new Path[] {tlsCertificate, tlsKey}) {
                if (tls != null && !Files.isReadable(tls)) {
                    throw new IllegalArgumentException(tls + ": no such readable file");
                }
            }
            for (Path load : loads) {
                if (!Files.isReadable(load)) {
                    throw new IllegalArgumentException("--load " + load + ": no such readable file");
                }
            }
        }

        private static Setting countSetting(String key) {
            return COUNTS.keySet().stream().filter(c -> c.key().equals(key)).findFirst().orElse(null);
        }

        private static List<String> countKeys() {
            return COUNTS.keySet().stream().map(Setting::key).sorted().toList();
        }

        private static long count(String text, Setting setting, String name) {
            long least = COUNTS.get(setting)[0];
            long most = COUNTS.get(setting)[1];
            try {
                long value = Long.parseLong(text);
                if (value < least || value > most) {
                    throw new NumberFormatException();
                }
                return value;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number from " + least + " to " + most
                        + ", not [" + text + "]");
            }
        }

        /** Passes the whole-number settings given on to the builder. */
        void applyCounts(AnomalyServer.Builder builder) {
            if (counts.containsKey(CREDENTIAL_THREADS)) {
                builder.credentialThreads(counts.get(CREDENTIAL_THREADS).intValue());
            }
            if (counts.containsKey(CREDENTIAL_QUEUE)) {
                builder.credentialQueue(counts.get(CREDENTIAL_QUEUE).intValue());
            }
            if (counts.containsKey(IDLE_TIMEOUT)) {
                builder.idleTimeout(java.time.Duration.ofSeconds(counts.get(IDLE_TIMEOUT)));
            }
            if (counts.containsKey(HEADER_TIMEOUT)) {
                builder.headerTimeout(java.time.Duration.ofSeconds(counts.get(HEADER_TIMEOUT)));
            }
            if (counts.containsKey(MAX_CONNECTIONS)) {
                builder.maxConnections(counts.get(MAX_CONNECTIONS).intValue());
            }
            if (counts.containsKey(MAX_IN_FLIGHT_BYTES)) {
                builder.maxInFlightBodyBytes(counts.get(MAX_IN_FLIGHT_BYTES));
            }
            if (counts.containsKey(LOGIN_THROTTLE_ATTEMPTS)) {
                builder.loginThrottleAttempts(counts.get(LOGIN_THROTTLE_ATTEMPTS).intValue());
            }
            if (counts.containsKey(LOGIN_THROTTLE_WINDOW)) {
                builder.loginThrottleWindow(java.time.Duration.ofSeconds(counts.get(LOGIN_THROTTLE_WINDOW)));
            }
            if (counts.containsKey(FLOOD_STAGE_FREE_BYTES)) {
                builder.floodStageFreeBytes(counts.get(FLOOD_STAGE_FREE_BYTES));
            }
            if (counts.containsKey(DISK_CHECK_INTERVAL)) {
                builder.diskCheckInterval(java.time.Duration.ofSeconds(counts.get(DISK_CHECK_INTERVAL)));
            }
        }

        private static EmulatedVersion compatibility(String text, String name) {
            try {
                return EmulatedVersion.ofMajor(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + " must be 8 or 9, not [" + text + "]");
            }
        }

        private static URI url(String text) {
            try {
                URI url = new URI(text);
                if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                    throw new URISyntaxException(text, "not an http or https address");
                }
                return url;
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("--store-url [" + text + "]: " + e.getReason());
            }
        }

        /** The cluster store's settings; its password comes from {@code ANOMALYKIT_STORE_PASSWORD}, never a flag. */
        ClusterSettings clusterStore(Map<String, String> env) {
            return new ClusterSettings(storeUrl, storeUser, storeUser == null ? null
                    : env.getOrDefault("ANOMALYKIT_STORE_PASSWORD", ""), storeCa == null ? null : storeCa.toString(),
                    30_000, "1s", storeReadOnly);
        }

        private static String value(String[] args, int index, String flag) {
            if (index >= args.length || args[index].startsWith("--")) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[index];
        }

        private static boolean flag(String text, String name) {
            return switch (text) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(name + " must be true or false, not [" + text + "]");
            };
        }

        private static boolean bool(JsonNode value, String name) {
            if (!value.isBoolean()) {
                throw new IllegalArgumentException("config [" + name + "] must be true or false");
            }
            return value.booleanValue();
        }

        private static String text(JsonNode value, String name) {
            if (!value.isTextual()) {
                throw new IllegalArgumentException("config [" + name + "] must be a string");
            }
            return value.asText();
        }

        private static int port(String text) {
            try {
                int port = Integer.parseInt(text);
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return port;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("port must be a number from 0 to 65535, not [" + text + "]");
            }
        }
    }
}
