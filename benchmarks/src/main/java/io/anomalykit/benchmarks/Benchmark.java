package io.anomalykit.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.security.SecuritySettings;
import io.anomalykit.server.store.ClusterResultsStore;
import io.anomalykit.server.store.ClusterSettings;
import io.anomalykit.server.store.LuceneResultsStore;
import io.anomalykit.server.store.OpenSearchNodeProcess;
import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.SearchPage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Measures the embedded store and the server at each requested size and writes {@code docs/benchmarks.md}:
 * {@code java -cp … io.anomalykit.benchmarks.Benchmark --sizes 1000000,10000000 --work DIR --out docs/benchmarks.md}.
 * Everything runs on loopback; the data directory of each size is deleted afterwards.
 */
public final class Benchmark {

    private static final String PASSWORD = "benchmark-password";
    private static final String AUTHORIZATION = "Basic "
            + Base64.getEncoder().encodeToString(("elastic:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final int BULK_DOCUMENTS = 5_000;
    private static final int WARMUP_RUNS = 5;
    private static final int TIMED_RUNS = 100;
    private static final int SIDE_BY_SIDE_WARMUP_ROUNDS = 20;
    private static final long NODE_WARMUP_RESULTS = 200_000;
    /** Long enough for a 10,000-hit page at 10M; a node that stops answering fails the run within this. */
    private static final long NODE_TIMEOUT_MILLIS = 120_000;
    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*(\\d+)");
    private static final Pattern TOTAL_HITS = Pattern.compile("\"total\"\\s*:\\s*\\{\\s*\"value\"\\s*:\\s*(\\d+)");
    private static final String DIRECT_INDEX = "direct-results";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RECORDS = "/_ml/anomaly_detectors/" + ResultsGenerator.largestJob() + "/results/records";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        long[] sizes = Arrays.stream(options.getOrDefault("--sizes", "1000000,10000000").split(","))
                .mapToLong(Long::parseLong).toArray();
        Path work = Path.of(options.getOrDefault("--work", System.getProperty("java.io.tmpdir"))).resolve("anomalykit-bench");
        Path out = Path.of(options.getOrDefault("--out", "docs/benchmarks.md"));
        int loadSeconds = Integer.parseInt(options.getOrDefault("--load-seconds", "10"));
        boolean sideBySide = options.getOrDefault("--mode", "embedded").equals("side-by-side");
        List<Report.Run> runs = new ArrayList<>();
        Benchmark benchmark = new Benchmark();
        for (long size : sizes) {
            Report.Run run = benchmark.run(size, work.resolve(Long.toString(size)), loadSeconds);
            if (sideBySide) {
                Path classpath = OpenSearchNodeProcess.builtClasspath().orElseThrow(() -> new IllegalStateException(
                        "build the opensearch-node module first: mvn -pl opensearch-node package"));
                benchmark.sideBySide(run, classpath, work.resolve("node-" + size), options.getOrDefault("--node-heap", "2g"));
                deleteTree(work.resolve("node-" + size));
            }
            runs.add(run);
            String existing = Files.exists(out) ? Files.readString(out) : "";
            Files.writeString(out, sideBySide ? Report.withSideBySide(existing, runs, String.join(" ", args))
                    : Report.withEmbedded(existing, runs, String.join(" ", args)));
        }
        System.out.println("wrote " + out);
        System.exit(0);
    }

    private static AnomalyServer.Builder secured(Path directory, Vertx vertx) {
        return AnomalyServer.builder().port(0).dataDirectory(directory).vertx(vertx)
                .security(new SecuritySettings(true, null, PASSWORD, false));
    }

    /** The same records request under the same load, served by two verticle instances (two event loops) on one port. */
    private static LoadTest.Result recordsOnTwoEventLoops(Vertx vertx, Path directory, int loadSeconds) throws Exception {
        AnomalyServer server = await(secured(directory, vertx).eventLoops(2).start());
        try {
            return LoadTest.wrk("http://127.0.0.1:" + server.port() + dashboardRequest(), AUTHORIZATION, loadSeconds);
        } finally {
            await(server.close());
        }
    }

    private Report.Run run(long size, Path directory, int loadSeconds) throws Exception {
        deleteTree(directory);
        Report.Run run = new Report.Run(size);
        Vertx vertx = Vertx.vertx();
        AnomalyServer server = await(secured(directory, vertx).start());
        String base = "http://127.0.0.1:" + server.port();
        try (LoopbackConnection ours = new LoopbackConnection(URI.create(base))) {
            createJobs(base);
            Ingest ingest = bulkLoad(base, AUTHORIZATION, size, ".ml-anomalies-shared");
            run.documents = ingest.documents();
            run.ingestSeconds = ingest.seconds();
            run.diskBytes = directorySize(directory);
            Queries.on(ResultsGenerator.largestJob()).forEach(query -> await(server.store().search(query.resolved())));
            run.heapBytes = heapAfterGc();
            for (Queries.Query query : Queries.on(ResultsGenerator.largestJob())) {
                ResultsStore store = server.store();
                AtomicReference<SearchPage> last = new AtomicReference<>();
                run.inProcess.put(query.name(), time(() -> last.set(await(store.search(query.resolved())))));
                run.matches.put(query.name(), last.get().total());
                run.overHttp.put(query.name(), time(() -> expectTotal(query, ours.post(RECORDS, query.body(), AUTHORIZATION),
                        COUNT, last.get().total())));
            }
            LoadTest.Result records = LoadTest.wrk(base + dashboardRequest(), AUTHORIZATION, loadSeconds);
            LoadTest.Result plain = plainHandler(vertx, loadSeconds);
            run.recordsLoad = records;
            run.plainLoad = plain;
        } finally {
            await(server.close());
        }
        run.recordsLoadTwoLoops = recordsOnTwoEventLoops(vertx, directory, loadSeconds);
        long opening = System.nanoTime();
        ResultsStore reopened = await(LuceneResultsStore.open(vertx, AnomalyServer.resultsDirectory(directory), 1000));
        run.reopenMillis = (System.nanoTime() - opening) / 1e6;
        await(reopened.close());
        ResultsStore plainLucene = await(LuceneResultsStore.open(vertx, AnomalyServer.resultsDirectory(directory), 1000,
                false));
        for (Queries.Query query : Queries.on(ResultsGenerator.largestJob())) {
            run.plainLucene.put(query.name(), time(() -> await(plainLucene.search(query.resolved()))));
        }
        await(plainLucene.close());
        await(vertx.close());
        deleteTree(directory);
        return run;
    }

    /** A dashboard's request: the top five final records of one day of the smallest job, options in the query string. */
    static String dashboardRequest() {
        long dayStart = ResultsGenerator.FIRST_BUCKET + (ResultsGenerator.BUCKETS / 2) * ResultsGenerator.BUCKET_SPAN_MILLIS;
        return "/_ml/anomaly_detectors/" + ResultsGenerator.jobId(ResultsGenerator.JOBS - 1)
                + "/results/records?exclude_interim=true&size=5&start=" + dayStart + "&end=" + (dayStart + 86_400_000L);
    }

    /** How long loading took. */
    record Ingest(long documents, double seconds) {
        double rate() {
            return documents / seconds;
        }
    }

    /**
     * Sends the generated results to a {@code _bulk} endpoint, 5,000 per request with two requests in flight, then
     * refreshes; fails if any item failed.
     */
    private Ingest bulkLoad(String base, String authorization, long size, String index) throws Exception {
        Semaphore inFlight = new Semaphore(2);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        AtomicReference<String> failure = new AtomicReference<>();
        long start = System.nanoTime();
        ResultsGenerator generator = new ResultsGenerator(size, 42);
        long documents = generator.writeBulkBodies(BULK_DOCUMENTS, index, body -> {
            inFlight.acquireUninterruptibly();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/_bulk"))
                    .header("Content-Type", "application/x-ndjson").POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            pending.add(http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                inFlight.release();
                if (error != null || response.statusCode() != 200 || !response.body().contains("\"errors\":false")) {
                    failure.compareAndSet(null, error != null ? error.toString()
                            : response.body().substring(0, Math.min(500, response.body().length())));
                }
            }));
            pending.removeIf(CompletableFuture::isDone);
        });
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(2, TimeUnit.HOURS);
        send("POST", base + "/_refresh", null, authorization);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException("bulk failed: " + failure.get());
        }
        return new Ingest(documents, seconds);
    }

    /**
     * The same results in an OpenSearch node, three ways: our server on the cluster store (ingest through our
     * {@code _bulk}, queries through the records API) and the node itself (its own {@code _bulk} into an index with the
     * same mappings, the equivalent {@code _search}).
     */
    private void sideBySide(Report.Run run, Path classpath, Path home, String heap) throws Exception {
        try (OpenSearchNodeProcess node = OpenSearchNodeProcess.start(classpath, home, heap)) {
            String cluster = node.url().toString();
            Vertx vertx = Vertx.vertx();
            AnomalyServer server = await(AnomalyServer.builder().port(0).vertx(vertx)
                    .security(new SecuritySettings(true, null, PASSWORD, false))
                    .clusterStore(new ClusterSettings(node.url(), null, null, null, NODE_TIMEOUT_MILLIS, "1s", false)).start());
            String base = "http://127.0.0.1:" + server.port();
            try (LoopbackConnection ours = new LoopbackConnection(URI.create(base));
                 LoopbackConnection direct = new LoopbackConnection(node.url())) {
                createJobs(base);
                // The node compiles its indexing path on a throwaway index first, or whichever load came first would
                // pay for it.
                bulkLoad(cluster, null, Math.min(run.requested, NODE_WARMUP_RESULTS), "warm-up");
                send("DELETE", cluster + "/warm-up", null, null);
                run.clusterStoreIngest = bulkLoad(base, AUTHORIZATION, run.requested, ".ml-anomalies-shared");
                String mappings = send("GET", cluster + "/.ml-anomalies-shared/_mapping", null, null);
                send("PUT", cluster + "/" + DIRECT_INDEX, "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0},"
                        + "\"mappings\":" + JSON.readTree(mappings).path(".ml-anomalies-shared").path("mappings") + "}", null);
                run.nodeIngest = bulkLoad(cluster, null, run.requested, DIRECT_INDEX);
                Map<String, List<Action>> ways = new LinkedHashMap<>();
                for (Queries.Query query : Queries.on(ResultsGenerator.largestJob())) {
                    long total = run.matches.get(query.name());
                    String search = ClusterResultsStore.searchBody(query.resolved()).toString();
                    ways.put(query.name(), List.of(
                            () -> expectTotal(query, ours.post(RECORDS, query.body(), AUTHORIZATION), COUNT, total),
                            () -> expectStoreTotal(query, await(server.store().search(query.resolved())), total),
                            () -> expectTotal(query, direct.post("/" + DIRECT_INDEX + "/_search", search, null), TOTAL_HITS,
                                    total)));
                }
                // Both JVMs warm on every query first, so that neither way is timed while the other is still compiling.
                for (int round = 0; round < SIDE_BY_SIDE_WARMUP_ROUNDS; round++) {
                    for (List<Action> actions : ways.values()) {
                        for (Action action : actions) {
                            action.run();
                        }
                    }
                }
                for (Map.Entry<String, List<Action>> query : ways.entrySet()) {
                    List<Report.Timing> timings = time(query.getValue());
                    run.clusterStore.put(query.getKey(), timings.get(0));
                    run.clusterStoreInProcess.put(query.getKey(), timings.get(1));
                    run.nodeSearch.put(query.getKey(), timings.get(2));
                }
            } catch (Exception | Error failure) {
                throw new IllegalStateException("side by side at " + run.requested + " results failed; the node's last "
                        + "output:\n" + node.recentOutput(), failure);
            } finally {
                await(server.close());
                await(vertx.close());
            }
        }
    }

    private static void expectStoreTotal(Queries.Query query, SearchPage page, long expected) {
        if (page.total() != expected) {
            throw new IllegalStateException(query.name() + ": the totals of the stores differ: " + expected + " and "
                    + page.total());
        }
    }

    private static void expectTotal(Queries.Query query, String answer, Pattern total, long expected) {
        Matcher found = total.matcher(answer);
        if (!found.find() || Long.parseLong(found.group(1)) != expected) {
            throw new IllegalStateException(query.name() + ": the totals of the stores differ: " + expected + " and "
                    + answer.substring(0, Math.min(300, answer.length())));
        }
    }

    private void createJobs(String base) throws IOException, InterruptedException {
        for (int job = 0; job < ResultsGenerator.JOBS; job++) {
            send("PUT", base + "/_ml/anomaly_detectors/" + ResultsGenerator.jobId(job),
                    "{\"analysis_config\":{\"bucket_span\":\"15m\",\"detectors\":[{\"function\":\"mean\","
                            + "\"field_name\":\"responsetime\"}]},\"data_description\":{\"time_field\":\"timestamp\"}}",
                    AUTHORIZATION);
        }
    }

    private static LoadTest.Result plainHandler(Vertx vertx, int loadSeconds) throws Exception {
        Router router = Router.router(vertx);
        JsonObject answer = new JsonObject().put("count", 5).put("status", "plain handler");
        router.get("/plain").handler(context -> context.json(answer));
        HttpServer plain = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        try {
            return LoadTest.wrk("http://127.0.0.1:" + plain.actualPort() + "/plain", AUTHORIZATION, loadSeconds);
        } finally {
            await(plain.close());
        }
    }

    private String send(String method, String url, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + url + " -> " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    interface Action {
        void run() throws Exception;
    }

    /** Medians and 99th percentiles of {@value #TIMED_RUNS} warm runs, one at a time, in milliseconds. */
    private static Report.Timing time(Action action) throws Exception {
        return time(List.of(action)).get(0);
    }

    /**
     * The same for several ways of answering one query, run in turns (one run of each, then again) so that all of
     * them meet the same machine: the same garbage to collect, the same background work, the same warmth.
     */
    private static List<Report.Timing> time(List<Action> ways) throws Exception {
        for (int i = 0; i < WARMUP_RUNS; i++) {
            for (Action way : ways) {
                way.run();
            }
        }
        double[][] millis = new double[ways.size()][TIMED_RUNS];
        for (int i = 0; i < TIMED_RUNS; i++) {
            for (int way = 0; way < ways.size(); way++) {
                long start = System.nanoTime();
                ways.get(way).run();
                millis[way][i] = (System.nanoTime() - start) / 1e6;
            }
        }
        List<Report.Timing> timings = new ArrayList<>();
        for (double[] way : millis) {
            Arrays.sort(way);
            timings.add(new Report.Timing(way[TIMED_RUNS / 2], way[(int) Math.ceil(TIMED_RUNS * 0.99) - 1]));
        }
        return timings;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long directorySize(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
