package io.anomalykit.server.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsQuery;
import io.anomalykit.server.query.SortKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Results kept in an Elasticsearch or OpenSearch cluster, in Elasticsearch's own layout: result documents as ML writes
 * them in {@code .ml-anomalies-shared} (created from an index template with the ML results mappings), a read alias
 * {@code .ml-anomalies-<job_id>} filtered on the job and a write alias {@code .ml-anomalies-.write-<job_id>} per job,
 * job configurations in {@code .ml-config} as {@code anomaly_detector-<job_id>}. A cluster that ML already writes to
 * can therefore be served as it is. Every call is an asynchronous HTTP request: nothing blocks the event loop, and a
 * cluster that is down makes calls fail with an Elasticsearch-style error until it returns.
 */
public final class ClusterResultsStore implements ResultsStore {

    /**
     * Where the cluster is and how to reach it.
     *
     * @param url             the cluster's HTTP address, e.g. {@code http://127.0.0.1:9200}
     * @param username        Basic credentials, or null for none
     * @param password        with {@code username}
     * @param caCertificate   a PEM file to trust for HTTPS, or null for the JVM's trust store
     * @param timeoutMillis   how long one call may take
     * @param refreshInterval the results index's {@code refresh_interval} when this store creates it ({@code 1s} as in
     *                        Elasticsearch; {@code -1} publishes only on refresh)
     * @param readOnly        serve what the cluster holds without installing, creating or writing anything, for a
     *                        user who may only read; writes are refused with a {@code cluster_block_exception}
     */
    public record Settings(URI url, String username, String password, String caCertificate, long timeoutMillis,
                           String refreshInterval, boolean readOnly) {

        public static Settings of(URI url) {
            return new Settings(url, null, null, null, 30_000, "1s", false);
        }

        public Settings asReadOnly() {
            return new Settings(url, username, password, caCertificate, timeoutMillis, refreshInterval, true);
        }

        @Override
        public String toString() {
            // Never print the password.
            return "Settings[url=" + url + ", username=" + username + ", timeoutMillis=" + timeoutMillis
                    + ", readOnly=" + readOnly + "]";
        }
    }

    /**
     * How long a job seen in the cluster is taken to exist without asking again. Every results request checks its job;
     * asking the cluster each time costs a second request. A job deleted through this store is forgotten at once; one
     * deleted through another server or in the cluster itself is seen missing after at most this long. A job that was
     * missing is always asked for again, so one created elsewhere is seen at once.
     */
    static final long KNOWN_JOB_NANOS = TimeUnit.SECONDS.toNanos(2);

    static final String RESULTS_INDEX = ".ml-anomalies-shared";
    private static final String CONFIG_INDEX = ".ml-config";
    private static final String SECURITY_INDEX = ".anomalykit-security";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Vertx vertx;
    private final HttpClient http;
    private final Settings settings;
    private final String authorization;
    private final String basePath;
    private final Map<String, KnownJob> knownJobs = new ConcurrentHashMap<>();

    private record KnownJob(ObjectNode config, long seenAtNanos) {
    }

    private ClusterResultsStore(Vertx vertx, Settings settings) {
        this.vertx = vertx;
        this.settings = settings;
        URI url = settings.url();
        boolean tls = "https".equals(url.getScheme());
        HttpClientOptions options = new HttpClientOptions().setDefaultHost(url.getHost())
                .setDefaultPort(url.getPort() > 0 ? url.getPort() : tls ? 443 : 80).setSsl(tls)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeoutMillis())).setKeepAlive(true);
        if (tls && settings.caCertificate() != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(settings.caCertificate()));
        }
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(16));
        this.authorization = settings.username() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (settings.username() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8));
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /**
     * Connects, installs this store's results index template (at a lower priority than Elasticsearch's own ML
     * template, which therefore wins on a cluster that runs ML) and creates the results index if it is missing. A
     * read-only store only checks that it may search the results index (which need not exist yet).
     */
    public static Future<ResultsStore> open(Vertx vertx, Settings settings) {
        ClusterResultsStore store = new ClusterResultsStore(vertx, settings);
        Future<?> ready = settings.readOnly()
                ? store.call(HttpMethod.POST, "/" + RESULTS_INDEX + "/_search?size=0", null)
                        .recover(missing -> isNotFound(missing) ? Future.succeededFuture() : Future.failedFuture(missing))
                : store.call(HttpMethod.PUT, "/_index_template/" + ClusterMappings.TEMPLATE,
                                ClusterMappings.resultsTemplate(settings.refreshInterval()))
                        .compose(ignored -> store.call(HttpMethod.HEAD, "/" + RESULTS_INDEX, null)
                                .recover(missing -> isNotFound(missing)
                                        ? store.call(HttpMethod.PUT, "/" + RESULTS_INDEX, NODES.objectNode())
                                        : Future.failedFuture(missing)));
        return ready.map(ignored -> (ResultsStore) store)
                .recover(failure -> store.http.close().transform(ignored -> Future.failedFuture(failure)));
    }

    /**
     * The {@code _search} body this store sends for a query: a {@code bool} filter, the full sort and the page, with an
     * exact total. Public so that tools can ask a cluster the same question directly.
     */
    public static ObjectNode searchBody(ResultsQuery query) {
        ObjectNode body = NODES.objectNode();
        body.put("track_total_hits", true).put("from", query.from()).put("size", query.size());
        body.set("query", filterOf(query));
        ArrayNode sort = body.putArray("sort");
        for (SortKey key : query.sort()) {
            sort.addObject().putObject(key.field()).put("order", key.descending() ? "desc" : "asc");
        }
        // The store's final tie-break, as the embedded store's indexing sequence: the order of writes in the shard.
        sort.addObject().putObject("_seq_no").put("order", "asc");
        return body;
    }

    @Override
    public Future<SearchPage> search(ResultsQuery query) {
        // No filter_path: filtering costs the node more (a third more for a 10,000-hit page) than skipping the hits'
        // metadata costs us. Reading a page is CPU work in proportion to its size: a large one goes to a worker thread.
        return send(HttpMethod.POST, "/" + readAlias(query.jobId()) + "/_search", "application/json",
                Buffer.buffer(bytes(searchBody(query))))
                .compose(answer -> answer.length() <= READ_INLINE_BYTES ? Future.succeededFuture(page(query.type(), answer))
                        : vertx.executeBlocking(() -> page(query.type(), answer), false))
                // A job that has never written results has no results index yet: nothing matches.
                .recover(failure -> isNotFound(failure) ? Future.succeededFuture(new SearchPage(0, List.of(), List.of()))
                        : Future.failedFuture(failure));
    }

    /** Answers up to this size (a count, a few hits) take less time to read than a hop to a worker thread. */
    private static final int READ_INLINE_BYTES = 8 * 1024;

    /**
     * Reads a search answer as it streams: the total, and each hit's source, kept as the bytes the cluster sent and read
     * as a tree only to be rendered. The hits' other fields ({@code _index}, {@code _id}, {@code sort}…) are skipped.
     */
    private static SearchPage page(ResultType type, Buffer answer) {
        byte[] bytes = answer.getBytes();
        long total = 0;
        List<byte[]> sources = new ArrayList<>();
        List<byte[]> rendered = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(bytes)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token != JsonToken.FIELD_NAME) {
                    continue;
                }
                // Outside the sources, which are read whole, "value" is only hits.total.value.
                if (parser.currentName().equals("value")) {
                    parser.nextToken();
                    total = parser.getLongValue();
                } else if (parser.currentName().equals("_source")) {
                    parser.nextToken();
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    ObjectNode source = parser.readValueAsTree();
                    sources.add(Arrays.copyOfRange(bytes, start, (int) parser.currentLocation().getByteOffset()));
                    rendered.add(ResultRenderer.renderJson(type, source));
                }
            }
        } catch (IOException e) {
            throw notJson();
        }
        return new SearchPage(total, sources, rendered);
    }

    private static ObjectNode filterOf(ResultsQuery query) {
        ObjectNode bool = NODES.objectNode();
        ArrayNode filter = bool.putArray("filter");
        filter.addObject().putObject("term").put("job_id", query.jobId());
        filter.addObject().putObject("term").put("result_type", query.type().value());
        if (query.startMillis() != null || query.endMillis() != null) {
            ObjectNode range = filter.addObject().putObject("range").putObject("timestamp").put("format", "epoch_millis");
            if (query.startMillis() != null) {
                range.put("gte", query.startMillis());
            }
            if (query.endMillis() != null) {
                range.put("lt", query.endMillis());
            }
        }
        if (query.hasScoreThreshold()) {
            filter.addObject().putObject("range").putObject(query.type().scoreField()).put("gte", query.scoreThreshold());
        }
        if (query.excludeInterim()) {
            bool.putArray("must_not").addObject().putObject("term").put("is_interim", true);
        }
        ObjectNode root = NODES.objectNode();
        root.set("bool", bool);
        return root;
    }

    @Override
    public Future<List<WriteOutcome>> write(List<WriteOp> operations, boolean refresh) {
        if (settings.readOnly()) {
            return Future.failedFuture(readOnlyBlock());
        }
        // Writing a bulk body and reading its answer take time in proportion to its size: on a worker thread.
        return vertx.executeBlocking(() -> bulkBody(operations), false)
                .compose(body -> send(HttpMethod.POST, "/_bulk?refresh=" + refresh, "application/x-ndjson", body))
                .compose(answer -> vertx.executeBlocking(() -> outcomes(operations, parse(answer)), false));
    }

    private static Buffer bulkBody(List<WriteOp> operations) {
        Buffer ndjson = Buffer.buffer(operations.size() * 1024);
        for (WriteOp op : operations) {
            ObjectNode meta = NODES.objectNode();
            ObjectNode action = meta.putObject(switch (op.kind()) {
                case INDEX -> "index";
                case CREATE -> "create";
                case DELETE -> "delete";
            });
            action.put("_index", op.index());
            if (op.id() != null) {
                action.put("_id", op.id());
            }
            ndjson.appendBytes(bytes(meta)).appendByte((byte) '\n');
            if (op.kind() != WriteOp.Kind.DELETE) {
                ndjson.appendBytes(op.json()).appendByte((byte) '\n');
            }
        }
        return ndjson;
    }

    private static List<WriteOutcome> outcomes(List<WriteOp> operations, JsonNode answer) {
        List<WriteOutcome> outcomes = new ArrayList<>();
        JsonNode items = answer.path("items");
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i).elements().next();
            int status = item.path("status").asInt();
            String index = operations.get(i).index();
            String id = item.path("_id").asText(operations.get(i).id());
            if (item.has("error")) {
                outcomes.add(WriteOutcome.failed(index, id, error(status, item.get("error"))));
            } else {
                outcomes.add(new WriteOutcome(index, id, item.path("_version").asLong(), item.path("result").asText(),
                        status, item.path("_seq_no").asLong(), null));
            }
        }
        return outcomes;
    }

    @Override
    public Future<Void> refresh() {
        return call(HttpMethod.POST, "/" + RESULTS_INDEX + "/_refresh", null).mapEmpty();
    }

    @Override
    public Future<Optional<ObjectNode>> job(String jobId) {
        KnownJob known = knownJobs.get(jobId);
        if (known != null && System.nanoTime() - known.seenAtNanos() < KNOWN_JOB_NANOS) {
            return Future.succeededFuture(Optional.of(known.config().deepCopy()));
        }
        return call(HttpMethod.GET, "/" + CONFIG_INDEX + "/_doc/" + encode(jobDocumentId(jobId)), null)
                .map(answer -> {
                    ObjectNode config = (ObjectNode) answer.get("_source");
                    knownJobs.put(jobId, new KnownJob(config, System.nanoTime()));
                    return Optional.of(config.deepCopy());
                })
                .recover(failure -> {
                    if (!isNotFound(failure)) {
                        return Future.failedFuture(failure);
                    }
                    knownJobs.remove(jobId);
                    return Future.succeededFuture(Optional.empty());
                });
    }

    @Override
    public Future<Boolean> createJob(String jobId, ObjectNode job) {
        if (settings.readOnly()) {
            return Future.failedFuture(readOnlyBlock());
        }
        return call(HttpMethod.PUT, "/" + CONFIG_INDEX + "/_create/" + encode(jobDocumentId(jobId)) + "?refresh=true", job)
                .compose(created -> call(HttpMethod.POST, "/_aliases", aliases("add", jobId)))
                .map(true)
                .recover(failure -> failure instanceof EsException es && es.status() == 409
                        ? Future.succeededFuture(false) : Future.failedFuture(failure));
    }

    @Override
    public Future<Boolean> deleteJob(String jobId) {
        if (settings.readOnly()) {
            return Future.failedFuture(readOnlyBlock());
        }
        ObjectNode byJob = NODES.objectNode();
        byJob.putObject("query").putObject("term").put("job_id", jobId);
        knownJobs.remove(jobId);
        return call(HttpMethod.DELETE, "/" + CONFIG_INDEX + "/_doc/" + encode(jobDocumentId(jobId)) + "?refresh=true", null)
                .compose(deleted -> call(HttpMethod.POST, "/" + RESULTS_INDEX
                        + "/_delete_by_query?refresh=true&conflicts=proceed", byJob))
                .compose(results -> call(HttpMethod.POST, "/_aliases", aliases("remove", jobId))
                        .recover(failure -> isNotFound(failure) ? Future.succeededFuture() : Future.failedFuture(failure)))
                .map(true)
                .recover(failure -> isNotFound(failure) ? Future.succeededFuture(false) : Future.failedFuture(failure))
                // A lookup that was under way while the job was deleted may have remembered it again.
                .onComplete(deleted -> knownJobs.remove(jobId));
    }

    /** Elasticsearch's per-job aliases over the shared results index: reads filtered on the job, and writes. */
    private static ObjectNode aliases(String action, String jobId) {
        ObjectNode body = NODES.objectNode();
        ArrayNode actions = body.putArray("actions");
        ObjectNode read = actions.addObject().putObject(action).put("index", RESULTS_INDEX).put("alias", readAlias(jobId));
        ObjectNode write = actions.addObject().putObject(action).put("index", RESULTS_INDEX)
                .put("alias", ".ml-anomalies-.write-" + jobId);
        if (action.equals("add")) {
            read.putObject("filter").putObject("term").put("job_id", jobId);
            read.put("is_hidden", true);
            write.put("is_write_index", true).put("is_hidden", true);
        }
        return body;
    }

    private static String readAlias(String jobId) {
        return ".ml-anomalies-" + jobId;
    }

    private static String jobDocumentId(String jobId) {
        return "anomaly_detector-" + jobId;
    }

    @Override
    public Future<Map<String, ObjectNode>> securityObjects(String kind) {
        ObjectNode body = NODES.objectNode();
        body.put("size", 10_000);
        body.putObject("query").putObject("term").put("kind.keyword", kind);
        return call(HttpMethod.POST, "/" + SECURITY_INDEX + "/_search", body)
                .map(answer -> {
                    Map<String, ObjectNode> objects = new TreeMap<>();
                    answer.path("hits").path("hits").forEach(hit -> objects.put(hit.path("_source").path("id").asText(),
                            (ObjectNode) hit.path("_source").path("object")));
                    return objects;
                })
                .recover(failure -> isNotFound(failure) ? Future.succeededFuture(Map.of()) : Future.failedFuture(failure));
    }

    @Override
    public Future<Void> putSecurityObject(String kind, String id, ObjectNode object) {
        if (settings.readOnly()) {
            return Future.failedFuture(readOnlyBlock());
        }
        ObjectNode document = NODES.objectNode().put("kind", kind).put("id", id);
        document.set("object", object);
        return call(HttpMethod.PUT, "/" + SECURITY_INDEX + "/_doc/" + encode(kind + ":" + id) + "?refresh=true", document)
                .mapEmpty();
    }

    @Override
    public Future<Boolean> deleteSecurityObject(String kind, String id) {
        if (settings.readOnly()) {
            return Future.failedFuture(readOnlyBlock());
        }
        return call(HttpMethod.DELETE, "/" + SECURITY_INDEX + "/_doc/" + encode(kind + ":" + id) + "?refresh=true", null)
                .map(true)
                .recover(failure -> isNotFound(failure) ? Future.succeededFuture(false) : Future.failedFuture(failure));
    }

    /** As Elasticsearch refuses writes to a cluster with a write block: the whole request, with a 403. */
    private static EsException readOnlyBlock() {
        return EsException.of(403, "cluster_block_exception", "blocked by: [FORBIDDEN/results store read-only "
                + "(--store-read-only)];");
    }

    @Override
    public Future<Void> close() {
        return http.close();
    }

    private Future<JsonNode> call(HttpMethod method, String path, JsonNode body) {
        return send(method, path, "application/json", body == null ? null : Buffer.buffer(bytes(body)))
                .map(ClusterResultsStore::parse);
    }

    /** One request to the cluster; a non-2xx answer or no answer at all fails as an Elasticsearch error. */
    private Future<Buffer> send(HttpMethod method, String path, String contentType, Buffer body) {
        RequestOptions request = new RequestOptions().setMethod(method).setURI(basePath + path)
                .setTimeout(settings.timeoutMillis());
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        if (body != null) {
            request.putHeader("Content-Type", contentType);
        }
        return http.request(request)
                .compose(call -> body == null ? call.send() : call.send(body))
                .compose(response -> response.body().map(answer -> {
                    if (response.statusCode() >= 300) {
                        JsonNode json = parse(answer);
                        throw json.has("error") ? error(response.statusCode(), json.get("error"))
                                : EsException.of(response.statusCode(), response.statusCode() == 404 ? "resource_not_found_exception"
                                        : "status_exception", "the cluster answered " + response.statusCode());
                    }
                    return answer;
                }), failure -> Future.failedFuture(unreachable(failure)));
    }

    private EsException unreachable(Throwable failure) {
        if (failure instanceof EsException es) {
            return es;
        }
        boolean timedOut = failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout");
        return EsException.of(503, timedOut ? "receive_timeout_transport_exception" : "connect_transport_exception",
                "[results cluster][" + settings.url() + "] " + (timedOut ? "request timed out" : "cannot be reached")
                        + ": " + failure.getMessage());
    }

    /**
     * The cluster's error as this server reports it. OpenSearch still calls a mapping failure by its old name,
     * {@code mapper_parsing_exception}; Elasticsearch 8 calls it {@code document_parsing_exception}.
     */
    private static EsException error(int status, JsonNode error) {
        if (!error.isObject()) {
            return EsException.of(status, "exception", error.asText());
        }
        String type = error.path("type").asText("exception");
        if (type.equals("mapper_parsing_exception")) {
            type = "document_parsing_exception";
        }
        EsException cause = error.has("caused_by") ? error(status, error.get("caused_by")) : null;
        if (type.equals("search_phase_execution_exception") && error.path("root_cause").size() > 0) {
            JsonNode root = error.get("root_cause").get(0);
            EsException shard = EsException.of(status, root.path("type").asText(), root.path("reason").asText());
            if (root.has("index")) {
                shard = shard.withMetadata("index", root.get("index").asText());
            }
            return EsException.searchFailure(shard);
        }
        EsException converted = EsException.of(status, type, error.path("reason").asText(), cause);
        if (error.has("index")) {
            converted = converted.withMetadata("index", error.get("index").asText());
        }
        return converted;
    }

    private static boolean isNotFound(Throwable failure) {
        return failure instanceof EsException es && es.status() == 404;
    }

    private static JsonNode parse(Buffer answer) {
        if (answer.length() == 0) {
            return NODES.objectNode();
        }
        try {
            return JSON.readTree(answer.getBytes());
        } catch (IOException e) {
            throw notJson();
        }
    }

    private static EsException notJson() {
        return EsException.of(502, "status_exception", "the cluster answered something that is not JSON");
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String encode(String pathPart) {
        return URLEncoder.encode(pathPart, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
