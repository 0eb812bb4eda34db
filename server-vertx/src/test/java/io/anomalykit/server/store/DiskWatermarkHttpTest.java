package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.security.SecuritySettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flood-stage watermark through the server, with the free space a test-controlled provider reports: writes are
 * refused with Elasticsearch's block while reads go on, and accepted again once the space is back.
 */
class DiskWatermarkHttpTest {

    private static final long GIB = 1024L * 1024 * 1024;
    private static final String JOB_BODY = "{\"analysis_config\":{\"bucket_span\":\"15m\",\"detectors\":"
            + "[{\"function\":\"mean\",\"field_name\":\"cpu\"}]},\"data_description\":{\"time_field\":\"@timestamp\"}}";
    private static final String BLOCK = "blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, "
            + "index has read-only-allow-delete block; for more information, see "
            + "https://www.elastic.co/guide/en/elasticsearch/reference/8.19/fix-watermark-errors.html];";

    @TempDir
    Path data;

    private final AtomicLong usable = new AtomicLong(50 * GIB);
    private final AtomicInteger reads = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private AnomalyServer server;

    @BeforeEach
    void start() throws Exception {
        server = AnomalyServer.builder().port(0).dataDirectory(data).floodStageFreeBytes(GIB)
                .diskCheckInterval(Duration.ofMillis(20)).freeSpace(() -> {
                    reads.incrementAndGet();
                    return new DiskWatermark.Space(usable.get(), 100 * GIB);
                })
                .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    @AfterEach
    void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    private HttpResponse<String> send(String method, String path, String body, String type) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", TestServer.SUPERUSER_AUTHORIZATION)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", type);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sets the free space and waits until a whole reading has seen it: readings run one at a time, so the second to
     * start after the change began after the first of them was judged.
     */
    private void free(long bytes) {
        usable.set(bytes);
        int seen = reads.get();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (reads.get() < seen + 2) {
            assertThat(System.nanoTime()).as("the free space is read again within 30 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private static JsonNode json(HttpResponse<String> answer) throws Exception {
        return TestServer.JSON.readTree(answer.body());
    }

    private static String record(long timestamp) {
        return "{\"job_id\":\"disk-job\",\"result_type\":\"record\",\"probability\":0.01,\"record_score\":50,"
                + "\"initial_record_score\":50,\"bucket_span\":900,\"detector_index\":0,\"is_interim\":false,"
                + "\"timestamp\":" + timestamp + ",\"function\":\"mean\"}";
    }

    private HttpResponse<String> bulk(String id) throws Exception {
        return send("POST", "/_bulk?refresh=true", "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"" + id
                + "\"}}\n" + record(1000) + "\n", "application/x-ndjson");
    }

    @Test
    void writesAreRefusedPastTheFloodStageWhileReadsGoOnAndResumeWhenSpaceReturns() throws Exception {
        assertThat(send("PUT", "/_ml/anomaly_detectors/disk-job", JOB_BODY, "application/json").statusCode()).isEqualTo(200);
        assertThat(json(bulk("r1")).get("errors").asBoolean()).isFalse();

        free(GIB - 1);
        HttpResponse<String> job = send("PUT", "/_ml/anomaly_detectors/disk-job-2", JOB_BODY, "application/json");
        assertThat(job.statusCode()).isEqualTo(429);
        assertThat(json(job).at("/error/type").asText()).isEqualTo("cluster_block_exception");
        assertThat(json(job).at("/error/reason").asText()).isEqualTo("index [.ml-config] " + BLOCK);
        assertThat(json(job).at("/error/root_cause/0/type").asText()).isEqualTo("cluster_block_exception");
        assertThat(json(job).get("status").asInt()).isEqualTo(429);

        HttpResponse<String> items = bulk("r2");
        assertThat(items.statusCode()).isEqualTo(200);
        assertThat(json(items).get("errors").asBoolean()).isTrue();
        JsonNode item = json(items).at("/items/0/index");
        assertThat(item.get("status").asInt()).isEqualTo(429);
        assertThat(item.at("/error/type").asText()).isEqualTo("cluster_block_exception");
        assertThat(item.at("/error/reason").asText()).isEqualTo("index [.ml-anomalies-shared] " + BLOCK);

        HttpResponse<String> doc = send("PUT", "/.ml-anomalies-shared/_doc/r3", record(3000), "application/json");
        assertThat(doc.statusCode()).isEqualTo(429);
        assertThat(json(doc).at("/error/type").asText()).isEqualTo("cluster_block_exception");

        HttpResponse<String> user = send("PUT", "/_security/user/disk-user", "{\"password\":\"disk-user-password\","
                + "\"roles\":[\"machine_learning_user\"]}", "application/json");
        assertThat(user.statusCode()).isEqualTo(429);
        assertThat(json(user).at("/error/reason").asText()).isEqualTo("index [.security-7] " + BLOCK);
        assertThat(send("GET", "/_security/user/disk-user", null, null).statusCode()).isEqualTo(404);

        HttpResponse<String> records = send("GET", "/_ml/anomaly_detectors/disk-job/results/records", null, null);
        assertThat(records.statusCode()).isEqualTo(200);
        assertThat(json(records).get("count").asInt()).isEqualTo(1);
        assertThat(send("GET", "/_ml/anomaly_detectors/disk-job", null, null).statusCode()).isEqualTo(200);

        free(GIB);
        assertThat(json(bulk("r2")).get("errors").asBoolean()).isFalse();
        assertThat(send("PUT", "/_ml/anomaly_detectors/disk-job-2", JOB_BODY, "application/json").statusCode())
                .isEqualTo(200);
        assertThat(json(send("GET", "/_ml/anomaly_detectors/disk-job/results/records", null, null)).get("count").asInt())
                .isEqualTo(2);
    }

    /** The block is read-only-allow-delete (IndexMetadata.INDEX_READ_ONLY_ALLOW_DELETE_BLOCK): deletes free space. */
    @Test
    void deletesGoOnPastTheFloodStageBesideRefusedWritesInOneBulk() throws Exception {
        assertThat(send("PUT", "/_ml/anomaly_detectors/disk-job", JOB_BODY, "application/json").statusCode()).isEqualTo(200);
        assertThat(json(bulk("gone")).get("errors").asBoolean()).isFalse();

        free(GIB - 1);
        HttpResponse<String> mixed = send("POST", "/_bulk?refresh=true",
                "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"new\"}}\n" + record(2000) + "\n"
                        + "{\"delete\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"gone\"}}\n", "application/x-ndjson");
        assertThat(mixed.statusCode()).isEqualTo(200);
        assertThat(json(mixed).at("/items/0/index/status").asInt()).isEqualTo(429);
        assertThat(json(mixed).at("/items/0/index/error/type").asText()).isEqualTo("cluster_block_exception");
        assertThat(json(mixed).at("/items/1/delete/status").asInt()).isEqualTo(200);
        assertThat(json(mixed).at("/items/1/delete/result").asText()).isEqualTo("deleted");
        assertThat(json(send("GET", "/_ml/anomaly_detectors/disk-job/results/records", null, null)).get("count").asInt())
                .isZero();
    }

    @Test
    void elasticsearchsDefaultIsFivePercentOfTheDiskAtMostOneHundredGigabytes() {
        AtomicLong free = new AtomicLong();
        DiskWatermark small = new DiskWatermark(() -> new DiskWatermark.Space(free.get(), 100 * GIB), -1, "x");
        free.set(5 * GIB);
        assertThat(small.refresh()).isFalse();
        free.set(5 * GIB - 1);
        assertThat(small.refresh()).isTrue();
        DiskWatermark large = new DiskWatermark(() -> new DiskWatermark.Space(free.get(), 10_000 * GIB), -1, "x");
        free.set(100 * GIB);
        assertThat(large.refresh()).isFalse();
        free.set(100 * GIB - 1);
        assertThat(large.refresh()).isTrue();
        assertThat(new DiskWatermark(() -> new DiskWatermark.Space(0, 100 * GIB), 0, "x").refresh()).isFalse();
    }

    /** Writes are judged by the last reading (Elasticsearch's cluster.info.update.interval), not by one of their own. */
    @Test
    void theFreeSpaceIsReadOnATimerNotAtEachWrite() throws Exception {
        AtomicLong free = new AtomicLong(50 * GIB);
        AtomicInteger count = new AtomicInteger();
        DiskWatermark watermark = new DiskWatermark(() -> {
            count.incrementAndGet();
            return new DiskWatermark.Space(free.get(), 100 * GIB);
        }, GIB, "x");
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            long timer = watermark.watch(vertx, StorePool.join(vertx), Duration.ofHours(1));
            assertThat(count.get()).as("read once when watching starts").isEqualTo(1);
            free.set(0);
            for (int i = 0; i < 100; i++) {
                assertThat(watermark.exceeded()).as("the cached reading").isFalse();
            }
            assertThat(count.get()).isEqualTo(1);
            vertx.cancelTimer(timer);

            watermark.watch(vertx, StorePool.join(vertx), Duration.ofMillis(20));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!watermark.exceeded()) {
                assertThat(System.nanoTime()).as("the timer's reading sees the full disk").isLessThan(deadline);
                Thread.onSpinWait();
            }
            free.set(50 * GIB);
            while (watermark.exceeded()) {
                assertThat(System.nanoTime()).as("and the space coming back").isLessThan(deadline);
                Thread.onSpinWait();
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }
}
