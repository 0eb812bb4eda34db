package io.anomalykit.server.security;

import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.error.EsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad logins cost a bcrypt check each; they run on the bounded {@code security-crypto} pool, so a storm of them is
 * answered (401, or 429 when the pool is full) while a client whose password is already verified keeps being served.
 */
class CredentialStormTest {

    private static final String PASSWORD = "alice-password";

    @TempDir
    Path dir;

    /** One request on its own connection; the read timeout is the "never hangs" bound. */
    private static String send(int port, String authorization) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(60_000);
            socket.getOutputStream().write(("GET /_security/_authenticate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Authorization: " + authorization + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aStormOfBadLoginsIsAnsweredWhileVerifiedCredentialsAreServed() throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("users"), "alice:" + Security.hash(PASSWORD) + "\n");
        Files.writeString(config.resolve("users_roles"), "superuser:alice\n");
        AnomalyServer server = AnomalyServer.builder().port(0).dataDirectory(dir.resolve("data"))
                .security(new SecuritySettings(true, config, TestServer.ELASTIC_PASSWORD, true))
                .credentialThreads(1).credentialQueue(2).start()
                .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        int stormConnections = 6;
        int attemptsEach = 8;
        ExecutorService clients = Executors.newFixedThreadPool(stormConnections);
        try {
            // The first good login pays for bcrypt once; from then on alice's password is a cache hit.
            assertThat(send(server.port(), TestServer.basic("alice", PASSWORD))).startsWith("HTTP/1.1 200");

            List<java.util.concurrent.Future<List<String>>> storm = new ArrayList<>();
            CountDownLatch started = new CountDownLatch(stormConnections);
            for (int c = 0; c < stormConnections; c++) {
                String user = c % 2 == 0 ? "alice" : "nobody-" + c;
                storm.add(clients.submit(() -> {
                    started.countDown();
                    List<String> answers = new ArrayList<>();
                    for (int i = 0; i < attemptsEach; i++) {
                        answers.add(send(server.port(), TestServer.basic(user, "wrong-" + i)));
                    }
                    return answers;
                }));
            }
            started.await(1, TimeUnit.MINUTES);
            int served = 0;
            while (storm.stream().anyMatch(f -> !f.isDone()) || served == 0) {
                assertThat(send(server.port(), TestServer.basic("alice", PASSWORD))).startsWith("HTTP/1.1 200")
                        .contains("\"username\":\"alice\"");
                served++;
            }
            for (java.util.concurrent.Future<List<String>> connection : storm) {
                List<String> answers = connection.get(2, TimeUnit.MINUTES);
                assertThat(answers).hasSize(attemptsEach).allSatisfy(answer -> {
                    if (answer.startsWith("HTTP/1.1 429")) {
                        assertThat(answer).contains("\"type\":\"es_rejected_execution_exception\"")
                                .contains("security-crypto");
                    } else {
                        assertThat(answer).startsWith("HTTP/1.1 401").contains("unable to authenticate user [");
                    }
                });
            }
            assertThat(Thread.getAllStackTraces().keySet()).map(Thread::getName)
                    .anyMatch(name -> name.startsWith(CredentialPool.NAME + "-"));
        } finally {
            clients.shutdownNow();
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void aFullPoolRefusesAtOnceWithElasticsearchsRejection() throws Exception {
        Vertx vertx = Vertx.vertx();
        CredentialPool pool = new CredentialPool(1, 0);
        pool.bind(vertx);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        AtomicReference<String> ranOn = new AtomicReference<>();
        AtomicBoolean onEventLoop = new AtomicBoolean(true);
        try {
            Future<String> first = pool.submit(() -> {
                ranOn.set(Thread.currentThread().getName());
                onEventLoop.set(io.vertx.core.Context.isOnEventLoopThread());
                running.countDown();
                try {
                    release.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return "done";
            });
            assertThat(running.await(1, TimeUnit.MINUTES)).isTrue();
            Future<String> second = pool.submit(() -> "never");
            assertThat(second.failed()).isTrue();
            EsException rejected = (EsException) second.cause();
            assertThat(rejected.status()).isEqualTo(429);
            assertThat(rejected.type()).isEqualTo("es_rejected_execution_exception");
            assertThat(rejected.reason()).startsWith("rejected execution of ")
                    .contains(" on EsThreadPoolExecutor[name = anomalykit/security-crypto, queue capacity = 0, ")
                    .endsWith("[Running, pool size = 1, active threads = 1, queued tasks = 0, completed tasks = 0]]");
            release.countDown();
            assertThat(first.toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES)).isEqualTo("done");
            assertThat(ranOn.get()).startsWith(CredentialPool.NAME + "-");
            assertThat(onEventLoop.get()).isFalse();
            // Room again once the check is done.
            assertThat(pool.submit(() -> "again").toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES))
                    .isEqualTo("again");
        } finally {
            release.countDown();
            pool.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
            vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }
}
