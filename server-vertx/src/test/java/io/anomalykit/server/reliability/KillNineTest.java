package io.anomalykit.server.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.Launcher;
import io.anomalykit.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 during mixed ingest and search, again and again on one data directory: a real server JVM (the Launcher), a
 * loader that {@code _bulk}-writes with {@code refresh=true} and keeps the ids acknowledged, searches beside it, a
 * SIGKILL at a random moment; after each restart the store opens and every acknowledged id is there. Seeded (printed);
 * {@code -Danomalykit.kill.iterations=N} sets how many kills (the {@code reliability} profile runs 30).
 */
class KillNineTest {

    private static final int ITERATIONS = Integer.getInteger("anomalykit.kill.iterations", 2);
    private static final String JOB = "kill-nine";
    private static final String INDEX = ".ml-anomalies-.write-" + JOB;

    @TempDir
    Path dir;

    private Process launch(Path data) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                Launcher.class.getName(), "--port", "0", "--data", data.toString())
                .redirectError(dir.resolve("stderr.txt").toFile());
        builder.environment().put("ELASTIC_PASSWORD", TestServer.ELASTIC_PASSWORD);
        return builder.start();
    }

    /** The port the child printed when it was ready. */
    private static int port(Process process) throws Exception {
        return TestServer.listeningUrl(process, Duration.ofMinutes(2)).getPort();
    }

    private static RawHttp.Answer send(RawHttp http, String method, String path, String type, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return http.exchange((method + " " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
                + TestServer.SUPERUSER_AUTHORIZATION + "\r\nContent-Type: " + type + "\r\nContent-Length: " + bytes.length
                + "\r\n").getBytes(StandardCharsets.UTF_8), bytes, false);
    }

    @Test
    void everyAcknowledgedWriteSurvivesKillMinusNine() throws Exception {
        long seed = Long.getLong("anomalykit.kill.seed", System.nanoTime());
        System.out.println("KillNineTest seed " + seed + " (replay: -Danomalykit.kill.seed=" + seed + "), " + ITERATIONS
                + " kills");
        Random random = new Random(seed);
        Path data = dir.resolve("data");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger next = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(2);
        long started = System.nanoTime();
        try {
            for (int iteration = 0; iteration <= ITERATIONS; iteration++) {
                Process server = launch(data);
                try {
                    int port = port(server);
                    try (RawHttp http = new RawHttp(port)) {
                        if (iteration == 0) {
                            assertThat(send(http, "PUT", "/_ml/anomaly_detectors/" + JOB, "application/json",
                                    "{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}]},\"data_description\":{}}")
                                    .status()).isEqualTo(200);
                        }
                        assertPresent(http, acknowledged);
                    }
                    if (iteration == ITERATIONS) {
                        break;
                    }
                    Future<?> loader = clients.submit(() -> load(port, next, acknowledged));
                    Future<?> searcher = clients.submit(() -> search(port));
                    // Kill at a random moment once some writes are acknowledged.
                    int before = acknowledged.size();
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    int wanted = 1 + random.nextInt(40);
                    while (acknowledged.size() < before + wanted && System.nanoTime() < deadline) {
                        Thread.onSpinWait();
                    }
                    server.destroyForcibly();
                    assertThat(server.waitFor(1, TimeUnit.MINUTES)).isTrue();
                    loader.get(1, TimeUnit.MINUTES);
                    searcher.get(1, TimeUnit.MINUTES);
                } finally {
                    server.destroyForcibly();
                    server.waitFor(1, TimeUnit.MINUTES);
                }
            }
        } finally {
            clients.shutdownNow();
        }
        System.out.printf("KillNineTest: %d kills, %d acknowledged writes all present, %.1f s%n", ITERATIONS,
                acknowledged.size(), (System.nanoTime() - started) / 1e9);
        assertThat(acknowledged).hasSizeGreaterThan(ITERATIONS);
    }

    /** Writes batches until the server is gone, keeping each id its answer acknowledged. */
    private static void load(int port, AtomicInteger next, Set<String> acknowledged) {
        try (RawHttp http = new RawHttp(port)) {
            while (true) {
                List<String> ids = new ArrayList<>();
                StringBuilder bulk = new StringBuilder();
                for (int i = 0; i < 5; i++) {
                    String id = "doc-" + next.getAndIncrement();
                    ids.add(id);
                    bulk.append("{\"index\":{\"_index\":\"").append(INDEX).append("\",\"_id\":\"").append(id)
                            .append("\"}}\n{\"job_id\":\"").append(JOB).append("\",\"result_type\":\"record\",")
                            .append("\"record_score\":50,\"timestamp\":").append(1_000_000 + next.get())
                            .append(",\"bucket_span\":60}\n");
                }
                RawHttp.Answer answer = send(http, "POST", "/_bulk?refresh=true", "application/x-ndjson", bulk.toString());
                JsonNode items = TestServer.JSON.readTree(answer.body()).path("items");
                for (int i = 0; i < ids.size(); i++) {
                    int status = items.path(i).path("index").path("status").asInt();
                    if (answer.status() == 200 && (status == 200 || status == 201)) {
                        acknowledged.add(ids.get(i));
                    }
                }
            }
        } catch (IOException e) {
            // the server was killed
        }
    }

    private static void search(int port) {
        try (RawHttp http = new RawHttp(port)) {
            while (true) {
                send(http, "POST", "/_ml/anomaly_detectors/" + JOB + "/results/records", "application/json",
                        "{\"sort\":\"record_score\",\"page\":{\"size\":20}}");
            }
        } catch (IOException e) {
            // the server was killed
        }
    }

    private static void assertPresent(RawHttp http, Set<String> acknowledged) throws IOException {
        for (String id : acknowledged) {
            RawHttp.Answer answer = http.exchange(("GET /" + INDEX + "/_doc/" + id + " HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: " + TestServer.SUPERUSER_AUTHORIZATION + "\r\n").getBytes(StandardCharsets.UTF_8),
                    new byte[0], false);
            assertThat(answer.status()).as("acknowledged " + id + ": " + answer.text()).isEqualTo(200);
        }
    }
}
