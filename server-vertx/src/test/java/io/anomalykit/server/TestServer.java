package io.anomalykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.server.security.SecuritySettings;
import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.SecurityStore;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A real server on a free loopback port over a fresh data directory, with a plain HTTP client to talk to it. */
public final class TestServer implements AutoCloseable {

    /**
     * The address a server started by the Launcher in a child JVM printed as its first line once it listened
     * ({@code anomalykit listening on URL}).
     */
    public static URI listeningUrl(Process process, Duration wait) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                return null;
            }
        }).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(line).as("the server's first line").startsWith(LISTENING);
        return URI.create(line.substring(LISTENING.length()));
    }

    private static final String LISTENING = "anomalykit listening on ";

    public static final ObjectMapper JSON = new ObjectMapper();
    /** The reserved superuser's password on every test server. */
    public static final String ELASTIC_PASSWORD = "test-elastic-password";
    public static final String SUPERUSER_AUTHORIZATION = basic("elastic", ELASTIC_PASSWORD);

    public static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private final AnomalyServer server;
    private final Path data;
    /** Whether the data directory was made for this server (and goes with it) or given by the caller (and stays). */
    private final boolean ownsData;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private TestServer(AnomalyServer server, Path data, boolean ownsData) {
        this.server = server;
        this.data = data;
        this.ownsData = ownsData;
    }

    /** Starts with the documented example data loaded. */
    public static TestServer withDemoData() {
        return start(true);
    }

    public static TestServer empty() {
        return start(false);
    }

    private static TestServer start(boolean demo) {
        return start(demo, new SecuritySettings(true, null, ELASTIC_PASSWORD, true));
    }

    /** Starts with the demo data and the given security. */
    public static TestServer withDemoData(SecuritySettings security) {
        return start(true, security);
    }

    /**
     * Starts with the demo data over a directory the caller keeps: closing leaves it, so a later server reopens what
     * this one wrote.
     */
    public static TestServer withDemoData(Path data, SecuritySettings security) {
        return start(data, false, true, security);
    }

    /** Starts with the demo data, answering as the given Elasticsearch version. */
    public static TestServer withDemoData(io.anomalykit.server.http.EmulatedVersion compatibility) {
        try {
            return start(Files.createTempDirectory("anomalykit-test"), true, true,
                    new SecuritySettings(true, null, ELASTIC_PASSWORD, true), compatibility);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestServer start(boolean demo, SecuritySettings security) {
        try {
            return start(Files.createTempDirectory("anomalykit-test"), true, demo, security);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TestServer start(Path data, boolean ownsData, boolean demo, SecuritySettings security) {
        return start(data, ownsData, demo, security, io.anomalykit.server.http.EmulatedVersion.DEFAULT);
    }

    private static TestServer start(Path data, boolean ownsData, boolean demo, SecuritySettings security,
                                    io.anomalykit.server.http.EmulatedVersion compatibility) {
        try {
            AnomalyServer server = AnomalyServer.builder().port(0).dataDirectory(data).demo(demo)
                    .security(security).compatibility(compatibility)
                    .refreshIntervalMillis(200).start().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            return new TestServer(server, data, ownsData);
        } catch (Exception e) {
            throw new IllegalStateException("test server did not start", e);
        }
    }

    public ResultsStore store() {
        return server.store();
    }

    public SecurityStore securityStore() {
        return server.securityStore();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    /** The answer to one request: status, headers and body (parsed when it is JSON). */
    public record Answer(int status, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String errorType() {
            return json().path("error").path("type").asText(null);
        }

        public String errorReason() {
            return json().path("error").path("reason").asText(null);
        }
    }

    public Answer send(String method, String pathAndQuery, String body) {
        return send(method, pathAndQuery, body, "application/json");
    }

    public Answer send(String method, String pathAndQuery, String body, String contentType) {
        return send(method, pathAndQuery, body, contentType, SUPERUSER_AUTHORIZATION);
    }

    /** @param authorization the Authorization header, or null to send none */
    public Answer send(String method, String pathAndQuery, String body, String contentType, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null && contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Answer get(String pathAndQuery) {
        return send("GET", pathAndQuery, null);
    }

    /** A GET written byte for byte on a socket, for request lines a well-behaved client refuses to send. */
    public Answer rawGet(String requestTarget) {
        return raw("GET " + requestTarget + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + SUPERUSER_AUTHORIZATION
                + "\r\nConnection: close\r\n\r\n");
    }

    /** A whole request written as it is (it should ask the server to close the connection). */
    public Answer raw(String request) {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headerEnd = response.indexOf("\r\n\r\n");
            String[] head = response.substring(0, headerEnd).split("\r\n");
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (int i = 1; i < head.length; i++) {
                String[] pair = head[i].split(":", 2);
                headers.computeIfAbsent(pair[0].trim(), k -> new ArrayList<>()).add(pair[1].trim());
            }
            return new Answer(Integer.parseInt(head[0].split(" ")[1]), java.net.http.HttpHeaders.of(headers, (k, v) -> true),
                    response.substring(headerEnd + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
            if (!ownsData) {
                return;
            }
            try (Stream<Path> files = Files.walk(data)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (Exception e) {
            throw new IllegalStateException("test server did not stop cleanly", e);
        }
    }
}
