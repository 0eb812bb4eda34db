package io.anomalykit.clients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the commands the non-Java client tests need (node, npm, python3); tells whether node and npm are installed. */
final class Commands {

    /** What a finished command left: exit code, standard output, standard error. */
    record Run(int exitCode, String out, String err) {
        String describe() {
            return "exit " + exitCode + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private Commands() {
    }

    /** Null when both node and npm answer; otherwise why the JavaScript tests cannot run here. */
    static String missing() {
        for (String tool : new String[] {"node", "npm"}) {
            try {
                if (run(Path.of("."), 60, tool, "--version").exitCode() != 0) {
                    return tool + " --version failed";
                }
            } catch (IOException e) {
                return tool + " is not installed (" + e.getMessage() + ")";
            }
        }
        return null;
    }

    /**
     * Installs {@code @elastic/elasticsearch@version} into its own folder under {@code root} (kept between runs, so a
     * second run installs nothing) and returns that folder.
     */
    static Path installClient(Path root, String version) throws IOException {
        Path dir = root.resolve("elasticsearch-js-" + version);
        Path installed = dir.resolve("node_modules/@elastic/elasticsearch/package.json");
        if (Files.isRegularFile(installed) && Files.readString(installed).contains("\"version\": \"" + version + "\"")) {
            return dir;
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"anomalykit-js-client-check\",\"private\":true}\n");
        Run install = run(dir, 600, "npm", "install", "--no-audit", "--no-fund", "--no-save", "--loglevel=error",
                "@elastic/elasticsearch@" + version);
        if (install.exitCode() != 0 || !Files.isRegularFile(installed)) {
            throw new IOException("npm could not install @elastic/elasticsearch@" + version + "\n" + install.describe());
        }
        return dir;
    }

    static Run run(Path workingDirectory, long timeoutSeconds, String... command) throws IOException {
        Path out = Files.createTempFile("anomalykit-node", ".out");
        Path err = Files.createTempFile("anomalykit-node", ".err");
        try {
            Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(workingDirectory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            process.getOutputStream().close();
            try {
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IOException(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
