package io.anomalykit.server;

import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar anomalykit-server.jar [--config FILE] [--flag value]...}: the server as {@link AnomalyVerticle}
 * instances on every core. The settings are those of {@link ServerSettings#TABLE}; {@code --help} lists them. Bad
 * settings print one line and exit with 2.
 */
public final class Launcher {

    static final int BAD_USAGE = 2;

    private Launcher() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(ServerSettings.help());
            return;
        }
        ServerSettings settings;
        try {
            settings = ServerSettings.resolve(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("anomalykit: " + e.getMessage());
            System.exit(BAD_USAGE);
            return;
        }
        String elasticPassword = (String) settings.get(ServerSettings.ELASTIC_PASSWORD);
        if (settings.security() && elasticPassword == null && settings.demo()) {
            elasticPassword = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
            System.err.println("anomalykit: generated password for the elastic user: " + elasticPassword
                    + " (set ELASTIC_PASSWORD to choose it; this is printed once)");
        }
        if (!settings.security()) {
            System.err.println("anomalykit: WARNING: SECURITY IS OFF (--security false): every request is served without "
                    + "authentication or authorization");
        }
        AnomalyServer server;
        try {
            server = settings.builder(elasticPassword).start().toCompletionStage().toCompletableFuture()
                    .get(5, TimeUnit.MINUTES);
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
        System.out.println("anomalykit listening on " + server.scheme() + "://" + settings.host() + ":" + server.port());
        System.out.flush();
    }
}
