package io.anomalykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher as a real process: its flags, crash durability and clean shutdown. */
class LauncherProcessTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path data;
    private Path stderr;

    @org.junit.jupiter.api.BeforeEach
    void stderrFile() {
        stderr = data.resolve("stderr.txt");
    }

    /** A server process and the URL it printed when ready. */
    record ServerProcess(Process process, String url) implements AutoCloseable {
        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private Process launch(String... args) throws IOException {
        return launch(true, args);
    }

    private Process launch(boolean withPassword, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), Launcher.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().remove("ELASTIC_PASSWORD");
        if (withPassword) {
            builder.environment().put("ELASTIC_PASSWORD", TestServer.ELASTIC_PASSWORD);
        }
        return builder.start();
    }

    private String stderr() throws IOException {
        return Files.readString(stderr, StandardCharsets.UTF_8);
    }

    private ServerProcess start() throws Exception {
        Process process = launch("--port", "0", "--data", data.resolve("store").toString());
        String url = readyUrl(process);
        assertThat(url).startsWith("http://127.0.0.1:");
        return new ServerProcess(process, url);
    }

    private static JsonNode send(String method, String url, String body, String contentType) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        request.header("Authorization", TestServer.SUPERUSER_AUTHORIZATION);
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return TestServer.JSON.readTree(response.body());
    }

    private static void seed(String url, int results) throws Exception {
        send("PUT", url + "/_ml/anomaly_detectors/durable", "{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}]},"
                + "\"data_description\":{}}", "application/json");
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < results; i++) {
            bulk.append("{\"index\":{\"_index\":\".ml-anomalies-.write-durable\",\"_id\":\"r").append(i).append("\"}}\n")
                    .append("{\"job_id\":\"durable\",\"result_type\":\"record\",\"record_score\":").append(i)
                    .append(",\"timestamp\":").append(1_000_000 + i).append(",\"bucket_span\":60}\n");
        }
        // No refresh: acknowledged means durable, visible or not.
        JsonNode answer = send("POST", url + "/_bulk", bulk.toString(), "application/x-ndjson");
        assertThat(answer.get("errors").asBoolean()).as(answer.toString()).isFalse();
    }

    private static long count(String url) throws Exception {
        send("POST", url + "/_refresh", null, null);
        return send("GET", url + "/_ml/anomaly_detectors/durable/results/records?size=0", null, null).get("count").asLong();
    }

    @Test
    void acknowledgedBulkWritesSurviveKillMinusNine() throws Exception {
        try (ServerProcess first = start()) {
            seed(first.url(), 250);
            first.process().destroyForcibly();
            assertThat(first.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(first.process().exitValue()).isEqualTo(137);
        }
        try (ServerProcess second = start()) {
            assertThat(count(second.url())).isEqualTo(250);
        }
    }

    @Test
    void sigtermShutsDownCleanlyAndKeepsTheData() throws Exception {
        try (ServerProcess server = start()) {
            seed(server.url(), 10);
            server.process().destroy();
            assertThat(server.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(server.process().exitValue()).isEqualTo(143);
            assertThat(stderr()).doesNotContain("unclean shutdown").doesNotContain("Exception");
        }
        try (ServerProcess again = start()) {
            assertThat(count(again.url())).isEqualTo(10);
        }
    }

    private static int status(String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/")).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private String readyUrl(Process process) throws Exception {
        return TestServer.listeningUrl(process, Duration.ofSeconds(60)).toString();
    }

    @Test
    void demoModeWithoutAPasswordGeneratesOneAndPrintsItOnce() throws Exception {
        Process process = launch(false, "--port", "0", "--data", data.resolve("demo").toString(), "--demo");
        try {
            String url = readyUrl(process);
            String errors = stderr();
            java.util.regex.Matcher generated = java.util.regex.Pattern
                    .compile("generated password for the elastic user: (\\S+) ").matcher(errors);
            assertThat(generated.find()).as(errors).isTrue();
            String password = generated.group(1);
            assertThat(generated.find()).as("printed once").isFalse();
            assertThat(status(url, null)).isEqualTo(401);
            assertThat(status(url, TestServer.basic("elastic", password))).isEqualTo(200);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void switchingSecurityOffIsExplicitAndLoud() throws Exception {
        Process process = launch("--port", "0", "--data", data.resolve("open").toString(), "--security", "false");
        try {
            String url = readyUrl(process);
            assertThat(stderr()).contains("WARNING: SECURITY IS OFF");
            assertThat(status(url, null)).isEqualTo(200);
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    void helpPrintsEverySetting() throws Exception {
        Process process = launch("--help");
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isZero();
        for (ServerSettings.Setting setting : ServerSettings.TABLE) {
            assertThat(out).contains(setting.env()).contains("config: " + setting.key());
            if (setting.flag() != null) {
                assertThat(out).contains(setting.flag());
            }
        }
    }

    @Test
    void badFlagsAndBadConfigExitWithTwoAndOneLine() throws Exception {
        Path config = Files.writeString(data.resolve("bad.json"), "{\"port\":\"not-a-port\"}");
        Path unknownKey = Files.writeString(data.resolve("unknown.json"), "{\"colour\":\"blue\"}");
        Path notResults = Files.writeString(data.resolve("logs.ndjson"), "{\"index\":{\"_index\":\"logs\"}}\n{}\n");
        Path badRealm = Files.createDirectories(data.resolve("realm"));
        Files.writeString(badRealm.resolve("users"), "someone:plain-text-password\n");
        for (String[] args : List.of(new String[] {"--bogus"}, new String[] {"--port"}, new String[] {"--port", "99999"},
                new String[] {"--config", config.toString()}, new String[] {"--config", unknownKey.toString()},
                new String[] {"--load", data.resolve("missing.ndjson").toString()},
                new String[] {"--data", data.resolve("store").toString(), "--port", "0", "--load", notResults.toString()},
                new String[] {"--data", data.resolve("store").toString(), "--port", "0", "--security-config",
                        badRealm.toString()},
                new String[] {"--security", "maybe"})) {
            Process process = launch(args);
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String errors = stderr();
            assertThat(process.exitValue()).as(String.join(" ", args)).isEqualTo(Launcher.BAD_USAGE);
            assertThat(errors.strip().lines().count()).as(errors).isEqualTo(1);
            assertThat(errors).startsWith("anomalykit: ");
        }
    }
}
