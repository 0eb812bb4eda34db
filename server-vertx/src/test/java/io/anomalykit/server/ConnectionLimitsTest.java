package io.anomalykit.server;

import io.anomalykit.server.security.SecuritySettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Connection limits on 127.0.0.1 with raw sockets: header deadline, connection cap, in-flight body breaker, pipelining. */
class ConnectionLimitsTest {

    private static final long DEADLINE_MILLIS = 30_000;

    @TempDir
    Path data;

    private AnomalyServer server;
    private final List<Socket> sockets = new ArrayList<>();

    private AnomalyServer start(AnomalyServer.Builder builder) throws Exception {
        server = builder.port(0).dataDirectory(data)
                .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        return server;
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket socket : sockets) {
            socket.close();
        }
        if (server != null) {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    private Socket open() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout(5_000);
        sockets.add(socket);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestServer.SUPERUSER_AUTHORIZATION + "\r\n\r\n";
    }

    /** Reads one answer (headers and a Content-Length body) from a keep-alive connection. */
    private static String readAnswer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String headers = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : headers.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return headers + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    /** Whether the server closed the connection: a read gives end of stream or a reset, not a timeout. */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        long deadline = System.currentTimeMillis() + DEADLINE_MILLIS;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    @Test
    void halfOpenConnectionsAreClosedWithinTheHeaderTimeout() throws Exception {
        start(AnomalyServer.builder().headerTimeout(Duration.ofMillis(500)).idleTimeout(Duration.ofSeconds(60)));
        List<Socket> halfOpen = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Socket socket = open();
            // A partial request line, a partial header block, or nothing at all.
            write(socket, switch (i % 3) {
                case 0 -> "GET /_cluster/hea";
                case 1 -> "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ";
                default -> "";
            });
            halfOpen.add(socket);
        }
        for (Socket socket : halfOpen) {
            assertThat(closedByServer(socket)).as("a half-open connection is closed").isTrue();
        }
        // A keep-alive client that sends whole requests is served, and its next request gets a fresh deadline.
        Socket client = open();
        write(client, get("/"));
        assertThat(readAnswer(client)).startsWith("HTTP/1.1 200");
        write(client, get("/_cluster/health"));
        assertThat(readAnswer(client)).startsWith("HTTP/1.1 200");
    }

    @Test
    void theConnectionCapRefusesTheNextConnectionWhileClientsAreServed() throws Exception {
        int cap = 50;
        start(AnomalyServer.builder().maxConnections(cap).headerTimeout(Duration.ofSeconds(60)));
        Socket client = open();
        write(client, get("/"));
        assertThat(readAnswer(client)).startsWith("HTTP/1.1 200");
        List<Socket> idle = new ArrayList<>();
        for (int i = 1; i < cap; i++) {
            idle.add(open());
        }
        Socket extra = open();
        assertThat(closedByServer(extra)).as("a connection beyond the cap is closed").isTrue();
        write(client, get("/_cluster/health"));
        assertThat(readAnswer(client)).startsWith("HTTP/1.1 200");
        // A freed slot is usable again.
        idle.get(0).close();
        waitFor(() -> {
            try (Socket next = new Socket("127.0.0.1", server.port())) {
                next.setSoTimeout(5_000);
                write(next, get("/"));
                return readAnswer(next).startsWith("HTTP/1.1 200");
            } catch (IOException e) {
                return false;
            }
        }, "a connection is accepted once one closes");
    }

    @Test
    void bodiesBeyondTheInFlightBreakerGetElasticsearchs429() throws Exception {
        start(AnomalyServer.builder().maxInFlightBodyBytes(64 * 1024).headerTimeout(Duration.ofSeconds(60)));
        int size = 40_000;
        String head = "POST /_bulk HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestServer.SUPERUSER_AUTHORIZATION
                + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + size + "\r\n\r\n";
        String line = "{\"index\":{\"_index\":\".ml-anomalies-shared\"}}\n";
        // A large bulk body that is still arriving: held in memory until its answer.
        Socket slow = open();
        write(slow, head + line);
        String body = line.repeat(size / line.length()) + " ".repeat(size % line.length());
        String[] refused = new String[1];
        waitFor(() -> {
            try (Socket next = new Socket("127.0.0.1", server.port())) {
                next.setSoTimeout(30_000);
                write(next, head + body);
                String answer = readAnswer(next);
                refused[0] = answer;
                return answer.startsWith("HTTP/1.1 429");
            } catch (IOException e) {
                return false;
            }
        }, "a second large body is refused while the first is held");
        String json = refused[0].substring(refused[0].indexOf("\r\n\r\n") + 4);
        var error = TestServer.JSON.readTree(json);
        assertThat(error.path("status").asInt()).isEqualTo(429);
        assertThat(error.at("/error/type").asText()).isEqualTo("circuit_breaking_exception");
        assertThat(error.at("/error/reason").asText()).isEqualTo("[inflight_requests] Data too large, data for "
                + "[<http_request>] would be [80000/78.1kb], which is larger than the limit of [65536/64kb]");
        assertThat(error.at("/error/bytes_wanted").asLong()).isEqualTo(80_000);
        assertThat(error.at("/error/bytes_limit").asLong()).isEqualTo(65_536);
        assertThat(error.at("/error/durability").asText()).isEqualTo("TRANSIENT");
        assertThat(error.at("/error/root_cause/0/type").asText()).isEqualTo("circuit_breaking_exception");
        // The held body completes and is answered; then the room is back.
        write(slow, body.substring(line.length()));
        assertThat(readAnswer(slow)).startsWith("HTTP/1.1 ");
        waitFor(() -> {
            try (Socket next = new Socket("127.0.0.1", server.port())) {
                next.setSoTimeout(30_000);
                write(next, head + body);
                return !readAnswer(next).startsWith("HTTP/1.1 429");
            } catch (IOException e) {
                return false;
            }
        }, "a large body is accepted once the held one is answered");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOneAtATime() throws Exception {
        start(AnomalyServer.builder());
        Socket client = open();
        int count = 50;
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < count; i++) {
            burst.append("GET /?x-id=").append(i).append(" HTTP/1.1\r\nHost: x\r\nX-Opaque-Id: req-").append(i)
                    .append("\r\nAuthorization: ").append(TestServer.SUPERUSER_AUTHORIZATION).append("\r\n\r\n");
        }
        write(client, burst.toString());
        for (int i = 0; i < count; i++) {
            String answer = readAnswer(client);
            assertThat(answer).startsWith("HTTP/1.1 ");
        }
    }
}
