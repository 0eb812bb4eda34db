package io.anomalykit.server.store;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSearch node in a JVM of its own, from the {@code opensearch-node} module's build (its classes and
 * {@code classpath.txt}): OpenSearch needs other Lucene and Netty versions than the server. It listens on 127.0.0.1 on
 * free ports and stops when this object is closed, or when the JVM that started it exits.
 */
public final class OpenSearchNodeProcess implements AutoCloseable {

    private final Process process;
    private final URI url;
    private static final int RECENT_LINES = 200;
    private final ArrayDeque<String> recentOutput = new ArrayDeque<>();

    private OpenSearchNodeProcess(Process process, URI url) {
        this.process = process;
        this.url = url;
    }

    /** The node module's build output, if it has been built beside this module. */
    public static Optional<Path> builtClasspath() {
        Path classpath = Path.of(System.getProperty("anomalykit.opensearch.classpath",
                "../opensearch-node/target/classpath.txt")).toAbsolutePath().normalize();
        return Files.exists(classpath) && Files.isDirectory(classpath.resolveSibling("classes"))
                ? Optional.of(classpath) : Optional.empty();
    }

    /** Starts a node with the given heap and data under {@code home}; returns once it is at least yellow. */
    public static OpenSearchNodeProcess start(Path classpath, Path home, String heap) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms" + heap, "-Xmx" + heap, "-cp",
                classpath.resolveSibling("classes") + File.pathSeparator + Files.readString(classpath).trim(),
                "io.anomalykit.opensearchnode.OpenSearchNode", home.toString())
                .redirectErrorStream(true).start();
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            StringBuilder log = new StringBuilder();
            try {
                for (String line = output.readLine(); line != null; line = output.readLine()) {
                    if (line.startsWith("READY ")) {
                        return line.substring("READY ".length());
                    }
                    log.append(line).append('\n');
                }
            } catch (IOException e) {
                log.append(e);
            }
            throw new IllegalStateException("the OpenSearch node did not start:\n" + log);
        });
        try {
            URI url = URI.create(ready.get(180, TimeUnit.SECONDS));
            OpenSearchNodeProcess node = new OpenSearchNodeProcess(process, url);
            // Keep draining its output so that the node never blocks on a full pipe; the last lines explain a failure.
            Thread drain = new Thread(() -> output.lines().forEach(node::remember), "opensearch-node-output");
            drain.setDaemon(true);
            drain.start();
            return node;
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    public URI url() {
        return url;
    }

    private synchronized void remember(String line) {
        if (recentOutput.size() == RECENT_LINES) {
            recentOutput.removeFirst();
        }
        recentOutput.addLast(line);
    }

    /** The node's last lines of output (up to {@value #RECENT_LINES}), for a failure report. */
    public synchronized String recentOutput() {
        return String.join("\n", recentOutput);
    }

    @Override
    public void close() throws IOException {
        process.getOutputStream().close();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
