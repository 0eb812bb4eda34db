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
        start(AnomalyServer.builder().maxInFlightBodyBytes(128 * 1024).headerTimeout(Duration.ofSeconds(60)));
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
                + "[<http_request>] would be [160000/156.2kb], which is larger than the limit of [131072/128kb]");
        // ChildMemoryCircuitBreaker.limit: the bytes held times network.breaker.inflight_requests.overhead (2).
        assertThat(error.at("/error/bytes_wanted").asLong()).isEqualTo(160_000);
        assertThat(error.at("/error/bytes_limit").asLong()).isEqualTo(131_072);
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

    private boolean accepted(String request) {
        try (Socket next = new Socket("127.0.0.1", server.port())) {
            next.setSoTimeout(30_000);
            write(next, request);
            String answer = readAnswer(next);
            return answer.startsWith("HTTP/1.1 ") && !answer.startsWith("HTTP/1.1 429");
        } catch (IOException e) {
            return false;
        }
    }

    private static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    private static final String BULK_LINE = "{\"index\":{\"_index\":\".ml-anomalies-shared\"}}\n";

    private static String bulkHead(String framing) {
        return "POST /_bulk HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestServer.SUPERUSER_AUTHORIZATION
                + "\r\nContent-Type: application/x-ndjson\r\n" + framing + "\r\n\r\n";
    }

    /**
     * Elasticsearch counts a chunked body too (RestController charges the aggregated content); here it is counted as
     * its chunks arrive, so a body still arriving holds its bytes, and one that passes the limit is refused.
     */
    @Test
    void chunkedBodiesAreCountedAsTheyArrive() throws Exception {
        start(AnomalyServer.builder().maxInFlightBodyBytes(128 * 1024).headerTimeout(Duration.ofSeconds(60)));
        // 40,000 bytes of a chunked body that has not ended: held.
        Socket held = open();
        write(held, bulkHead("Transfer-Encoding: chunked") + chunk(BULK_LINE.repeat(40_000 / BULK_LINE.length()))
                + chunk(" ".repeat(40_000 % BULK_LINE.length())));
        int size = 30_000;
        String body = BULK_LINE.repeat(size / BULK_LINE.length()) + " ".repeat(size % BULK_LINE.length());
        String[] refused = new String[1];
        waitFor(() -> {
            try (Socket next = new Socket("127.0.0.1", server.port())) {
                next.setSoTimeout(30_000);
                write(next, bulkHead("Content-Length: " + size) + body);
                refused[0] = readAnswer(next);
                return refused[0].startsWith("HTTP/1.1 429");
            } catch (IOException e) {
                return false;
            }
        }, "a declared body is refused while the chunked one is held");
        var error = TestServer.JSON.readTree(refused[0].substring(refused[0].indexOf("\r\n\r\n") + 4));
        assertThat(error.at("/error/reason").asText()).isEqualTo("[inflight_requests] Data too large, data for "
                + "[<http_request>] would be [140000/136.7kb], which is larger than the limit of [131072/128kb]");
        // Ending it: it is answered, and its bytes are released.
        write(held, "0\r\n\r\n");
        assertThat(readAnswer(held)).startsWith("HTTP/1.1 ").doesNotStartWith("HTTP/1.1 429");
        waitFor(() -> accepted(bulkHead("Content-Length: " + size) + body), "the chunked body's bytes are released");

        // A chunked body that passes the limit on its own: the rest is read and dropped, then 429 on the same
        // connection, which stays usable; nothing of it was written.
        Socket big = open();
        StringBuilder chunks = new StringBuilder(bulkHead("Transfer-Encoding: chunked"));
        for (int i = 0; i < 70; i++) {
            chunks.append(chunk(BULK_LINE.repeat(1000 / BULK_LINE.length()) + " ".repeat(1000 % BULK_LINE.length())));
        }
        write(big, chunks.append("0\r\n\r\n").toString());
        String answer = readAnswer(big);
        assertThat(answer).startsWith("HTTP/1.1 429");
        var tripped = TestServer.JSON.readTree(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        assertThat(tripped.at("/error/type").asText()).isEqualTo("circuit_breaking_exception");
        assertThat(tripped.at("/error/bytes_wanted").asLong()).isGreaterThan(131_072);
        assertThat(tripped.at("/error/bytes_wanted").asLong() % 2).as("twice the bytes held").isZero();
        assertThat(tripped.at("/error/reason").asText()).matches("\\[inflight_requests\\] Data too large, data for "
                + "\\[<http_request>\\] would be \\[\\d+/[\\d.]+kb\\], which is larger than the limit of \\[131072/128kb\\]");
        // 60,000 bytes fit (120,000 of 131,072) only when nothing of the refused body is still counted.
        int most = 60_000;
        waitFor(() -> accepted(bulkHead("Content-Length: " + most) + BULK_LINE.repeat(most / BULK_LINE.length())
                + " ".repeat(most % BULK_LINE.length())), "the refused body's bytes are released");
        write(big, get("/_cluster/health"));
        assertThat(readAnswer(big)).startsWith("HTTP/1.1 200");
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
