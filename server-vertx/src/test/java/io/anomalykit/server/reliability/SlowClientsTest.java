package io.anomalykit.server.reliability;

import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.security.SecuritySettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow clients against short timeouts: connections that stop inside their request line or headers, and one that
 * trickles header bytes (slowloris), are closed by the header deadline; a body that stops arriving is closed by the idle
 * timeout; a well-behaved client is served throughout.
 */
class SlowClientsTest {

    private static final long HEADER_TIMEOUT_MILLIS = 500;

    /** Half-open connections: 300 in the normal build, 3,000 under {@code -Preliability}. */
    private static final int HALF_OPEN = Integer.getInteger("anomalykit.slow.connections", 300);

    @TempDir
    Path data;

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    /** Reads until the server closes the connection (end of stream or reset); false when the read times out. */
    private static boolean closedByServer(Socket socket) throws IOException {
        try {
            while (socket.getInputStream().read() >= 0) {
                // a 408 or similar before the close is fine
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    @Test
    void slowClientsAreClosedByTheTimeoutsWhileOthersAreServed() throws Exception {
        AnomalyServer server = AnomalyServer.builder().port(0).dataDirectory(data)
                .headerTimeout(Duration.ofMillis(HEADER_TIMEOUT_MILLIS)).idleTimeout(Duration.ofSeconds(1))
                .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        ExecutorService threads = Executors.newFixedThreadPool(1);
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        AtomicBoolean stop = new AtomicBoolean();
        List<Socket> sockets = new ArrayList<>();
        try {
            Future<Integer> served = threads.submit(() -> {
                int count = 0;
                try (RawHttp http = new RawHttp(server.port())) {
                    while (!stop.get()) {
                        assertThat(http.exchange(("GET /_cluster/health HTTP/1.1\r\nHost: x\r\nAuthorization: "
                                + TestServer.SUPERUSER_AUTHORIZATION + "\r\n").getBytes(StandardCharsets.UTF_8),
                                new byte[0], false).status()).isEqualTo(200);
                        count++;
                    }
                }
                return count;
            });
            List<Socket> halfOpen = new ArrayList<>();
            for (int i = 0; i < HALF_OPEN; i++) {
                Socket socket = new Socket("127.0.0.1", server.port());
                socket.setSoTimeout(15_000);
                sockets.add(socket);
                write(socket, switch (i % 3) {
                    case 0 -> "POST /_bu";
                    case 1 -> "GET / HTTP/1.1\r\nHost: x\r\nAuthorization: Basic";
                    default -> "";
                });
                halfOpen.add(socket);
            }
            // Slowloris: a header byte every 100 ms never ends the request; the deadline is from the connection's start.
            Socket loris = new Socket("127.0.0.1", server.port());
            loris.setSoTimeout(15_000);
            sockets.add(loris);
            write(loris, "GET / HTTP/1.1\r\nX-Slow: ");
            long lorisStart = System.nanoTime();
            CompletableFuture<Long> lorisClosed = new CompletableFuture<>();
            trickle.scheduleAtFixedRate(() -> {
                try {
                    write(loris, "a");
                } catch (IOException e) {
                    lorisClosed.complete((System.nanoTime() - lorisStart) / 1_000_000);
                    throw new IllegalStateException("closed: no more bytes", e);
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            // A body that stops: headers done (so the header deadline is met), 10 of 1,000 bytes, then nothing.
            Socket stalled = new Socket("127.0.0.1", server.port());
            stalled.setSoTimeout(15_000);
            sockets.add(stalled);
            write(stalled, "POST /_bulk HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestServer.SUPERUSER_AUTHORIZATION
                    + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: 1000\r\n\r\n{\"index\":");
            long stalledStart = System.nanoTime();

            for (Socket socket : halfOpen) {
                assertThat(closedByServer(socket)).as("a half-open connection is closed by the header deadline").isTrue();
            }
            assertThat(closedByServer(stalled)).as("a stalled body is closed by the idle timeout").isTrue();
            long stalledMillis = (System.nanoTime() - stalledStart) / 1_000_000;
            assertThat(stalledMillis).as("closed by the idle timeout (1 s), not the header deadline").isGreaterThan(900);
            assertThat(lorisClosed.get(15, TimeUnit.SECONDS)).as("slowloris is closed by the header deadline")
                    .isLessThan(10_000);
            stop.set(true);
            assertThat(served.get(1, TimeUnit.MINUTES)).as("valid requests served meanwhile").isPositive();
        } finally {
            stop.set(true);
            for (Socket socket : sockets) {
                socket.close();
            }
            threads.shutdownNow();
            trickle.shutdownNow();
            threads.awaitTermination(1, TimeUnit.MINUTES);
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }
}
