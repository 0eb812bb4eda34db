package io.anomalykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar anomalykit-server.jar [--host H] [--port P] [--data DIR] [--demo] [--load FILE.ndjson]...
 * [--config FILE.json]}. Settings come from the flags, then {@code ANOMALYKIT_*} environment variables, then the
 * config file, then defaults. Bad settings print one line and exit with 2.
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
        AnomalyServer.Builder builder = AnomalyServer.builder().host(settings.host).port(settings.port)
                .dataDirectory(settings.data).demo(settings.demo);
        settings.loads.forEach(builder::preload);
        AnomalyServer server;
        try {
            server = builder.start().toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("anomalykit: cannot start: " + cause.getMessage());
            System.exit(cause instanceof IllegalArgumentException ? BAD_USAGE : 1);
            return;
        }
        System.err.println("anomalykit: warning: authentication and authorization are not implemented yet "
                + "(see the security issue): every request is served");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            } catch (Exception e) {
                System.err.println("anomalykit: unclean shutdown: " + e.getMessage());
            } finally {
                stopped.countDown();
            }
        }, "anomalykit-shutdown"));
        System.out.println("anomalykit listening on http://" + settings.host + ":" + server.port());
        System.out.flush();
    }

    /** The resolved settings of one start. */
    static final class Settings {
        String host = "127.0.0.1";
        int port = 9200;
        Path data = Path.of("data");
        boolean demo;
        List<Path> loads = new ArrayList<>();

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
                switch (entry.getKey()) {
                    case "host" -> host = text(value, "host");
                    case "port" -> port = port(value.isNumber() ? value.asText() : text(value, "port"));
                    case "data" -> data = Path.of(text(value, "data"));
                    case "demo" -> {
                        if (!value.isBoolean()) {
                            throw new IllegalArgumentException("config [demo] must be true or false");
                        }
                        demo = value.booleanValue();
                    }
                    case "load" -> {
                        if (!value.isArray()) {
                            throw new IllegalArgumentException("config [load] must be a list of files");
                        }
                        value.forEach(item -> loads.add(Path.of(text(item, "load"))));
                    }
                    default -> throw new IllegalArgumentException("unknown setting [" + entry.getKey() + "] in " + file
                            + "; known: host, port, data, demo, load");
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
            if (env.containsKey("ANOMALYKIT_DEMO")) {
                demo = switch (env.get("ANOMALYKIT_DEMO")) {
                    case "true" -> true;
                    case "false" -> false;
                    default -> throw new IllegalArgumentException("ANOMALYKIT_DEMO must be true or false");
                };
            }
        }

        private void applyFlags(String[] args) {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--host" -> host = value(args, ++i, "--host");
                    case "--port" -> port = port(value(args, ++i, "--port"));
                    case "--data" -> data = Path.of(value(args, ++i, "--data"));
                    case "--demo" -> demo = true;
                    case "--load" -> loads.add(Path.of(value(args, ++i, "--load")));
                    case "--config" -> i++;
                    default -> throw new IllegalArgumentException("unknown option [" + args[i] + "]; usage: "
                            + "[--host H] [--port P] [--data DIR] [--demo] [--load FILE.ndjson]... [--config FILE.json]");
                }
            }
            for (Path load : loads) {
                if (!Files.isReadable(load)) {
                    throw new IllegalArgumentException("--load " + load + ": no such readable file");
                }
            }
        }

        private static String value(String[] args, int index, String flag) {
            if (index >= args.length || args[index].startsWith("--")) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[index];
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
