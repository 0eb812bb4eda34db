package io.anomalykit.server;

import io.anomalykit.server.security.SecuritySettings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The event loops are never blocked: under a storm of wrong passwords, first logins of new native users (a bcrypt check
 * each), {@code _bulk} writes and searches, Vert.x's blocked-thread checker, set to warn after 100 ms on an event loop,
 * never warns. Everything heavy runs on the {@code security-crypto} and {@code anomalykit-store} pools.
 */
class BlockedLoopTest {

    /**
     * Well above what a healthy loop task takes on a loaded 2-core machine, below one bcrypt check (cost 10) or one
     * {@code _bulk} write of a few hundred records on the loop: either, run on the loop, trips it (tried by hand).
     */
    private static final long MAX_LOOP_MILLIS = 100;
    private static final int NEW_USERS = 12;
    private static final int ROUNDS = 10;
    private static final String JOB = "{\"analysis_config\":{\"bucket_span\":\"15m\",\"detectors\":"
            + "[{\"function\":\"mean\",\"field_name\":\"cpu\",\"partition_field_name\":\"host\"}],\"influencers\":[\"host\"]},"
            + "\"data_description\":{\"time_field\":\"@timestamp\"}}";

    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(30)).build();

    private int send(int port, String method, String path, String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", authorization)
                .header("Content-Type", path.startsWith("/_bulk") ? "application/x-ndjson" : "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String bulk(int round) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            long timestamp = (round * 300L + i) * 900_000L;
            body.append("{\"index\":{\"_index\":\".ml-anomalies-shared\"}}\n")
                    .append("{\"job_id\":\"storm-job\",\"result_type\":\"record\",\"probability\":0.01,\"record_score\":")
                    .append(i % 100).append(",\"initial_record_score\":").append(i % 100)
                    .append(",\"bucket_span\":900,\"detector_index\":0,\"is_interim\":false,\"timestamp\":").append(timestamp)
                    .append(",\"function\":\"mean\",\"partition_field_name\":\"host\",\"partition_field_value\":\"h")
                    .append(i % 7).append("\"}\n");
        }
        return body.toString();
    }

    @Test
    void noEventLoopIsBlockedUnderAStormOfLoginsWritesAndSearches() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2)
                .setBlockedThreadCheckInterval(20).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                .setMaxEventLoopExecuteTime(MAX_LOOP_MILLIS).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
        ConcurrentLinkedQueue<BlockedThreadEvent> blocked = new ConcurrentLinkedQueue<>();
        // Replaces the checker's logging: every warning it would log is kept here.
        ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(event -> {
            if (event.thread().getName().contains("eventloop")) {
                blocked.add(event);
            }
        });
        ExecutorService clients = Executors.newFixedThreadPool(6);
        AnomalyServer server = null;
        try {
            server = AnomalyServer.builder().vertx(vertx).port(0).eventLoops(2).dataDirectory(data.resolve("data"))
                    .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true))
                    .refreshIntervalMillis(200).start().toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
            int port = server.port();
            String superuser = TestServer.SUPERUSER_AUTHORIZATION;
            assertThat(send(port, "PUT", "/_ml/anomaly_detectors/storm-job", JOB, superuser)).isEqualTo(200);
            for (int i = 0; i < NEW_USERS; i++) {
                assertThat(send(port, "PUT", "/_security/user/storm-" + i,
                        "{\"password\":\"storm-password-" + i + "\",\"roles\":[\"superuser\"]}", superuser)).isEqualTo(200);
            }
            blocked.clear();

            Map<String, List<Integer>> answers = new ConcurrentHashMap<>();
            AtomicInteger nextUser = new AtomicInteger();
            List<StormCall> storm = List.of(
                    () -> send(port, "GET", "/_security/_authenticate", null, TestServer.basic("elastic", "wrong-one")),
                    () -> send(port, "GET", "/_security/_authenticate", null, TestServer.basic("storm-0", "wrong-two")),
                    () -> {
                        int user = nextUser.getAndIncrement() % NEW_USERS;
                        return send(port, "GET", "/_security/_authenticate", null,
                                TestServer.basic("storm-" + user, "storm-password-" + user));
                    },
                    () -> send(port, "POST", "/_bulk", bulk(nextUser.get()), superuser),
                    () -> send(port, "POST", "/_bulk?refresh=true", bulk(ROUNDS + nextUser.get()), superuser),
                    () -> send(port, "GET", "/_ml/anomaly_detectors/storm-job/results/records?size=500&sort=record_score",
                            null, superuser));
            List<String> names = List.of("wrong elastic", "wrong native", "cold login", "bulk", "bulk refresh", "search");
            List<Future<?>> running = new ArrayList<>();
            for (int kind = 0; kind < storm.size(); kind++) {
                StormCall call = storm.get(kind);
                List<Integer> statuses = answers.computeIfAbsent(names.get(kind), k -> new ArrayList<>());
                running.add(clients.submit(() -> {
                    for (int round = 0; round < ROUNDS; round++) {
                        statuses.add(call.send());
                    }
                    return null;
                }));
            }
            for (Future<?> each : running) {
                each.get(5, TimeUnit.MINUTES);
            }

            assertThat(answers.get("wrong elastic")).hasSize(ROUNDS).allMatch(status -> status == 401);
            assertThat(answers.get("wrong native")).hasSize(ROUNDS).allMatch(status -> status == 401);
            for (String name : List.of("cold login", "bulk", "bulk refresh", "search")) {
                assertThat(answers.get(name)).as(name).hasSize(ROUNDS).allMatch(status -> status == 200);
            }
            assertThat(blocked).as("blocked-thread warnings for event loops").isEmpty();
        } finally {
            clients.shutdownNow();
            if (server != null) {
                server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    /** One request of the storm; answers its status. */
    @FunctionalInterface
    private interface StormCall {
        int send() throws Exception;
    }
}
