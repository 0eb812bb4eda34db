package io.anomalykit.server.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultFilter;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsQuery;
import io.anomalykit.server.query.SortKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

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
     * How long a job seen in the cluster is taken to exist without asking again. Every results request checks its job;
     * asking the cluster each time costs a second request. A job deleted through this store is forgotten at once; one
     * deleted through another server or in the cluster itself is seen missing after at most this long. A job that was
     * missing is always asked for again, so one created elsewhere is seen at once.
     */
    static final long KNOWN_JOB_NANOS = TimeUnit.SECONDS.toNanos(2);

    private static final String RESULTS_INDEX = ResultIndices.SHARED;
    private static final String CONFIG_INDEX = ".ml-config";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final WorkerExecutor pool;
    private final ClusterClient client;
    private final Map<String, KnownJob> knownJobs = new ConcurrentHashMap<>();

    private record KnownJob(ObjectNode config, long seenAtNanos) {
    }

    private ClusterResultsStore(Vertx vertx, ClusterSettings settings) {
        this.pool = StorePool.join(vertx);
        this.client = new ClusterClient(vertx, settings);
    }

    /**
     * Connects, installs this store's results index template (at a lower priority than Elasticsearch's own ML
     * template, which therefore wins on a cluster that runs ML) and creates the results index if it is missing. A
     * read-only store only checks that it may search the results index (which need not exist yet).
     */
    public static Future<ResultsStore> open(Vertx vertx, ClusterSettings settings) {
        ClusterResultsStore store = new ClusterResultsStore(vertx, settings);
        Future<?> ready = settings.readOnly()
                ? store.client.call(HttpMethod.POST, "/" + RESULTS_INDEX + "/_search?size=0", null)
                        .recover(missing -> ClusterClient.isNotFound(missing) ? Future.succeededFuture() : Future.failedFuture(missing))
                : store.client.call(HttpMethod.PUT, "/_index_template/" + ClusterMappings.TEMPLATE,
                                ClusterMappings.resultsTemplate(settings.refreshInterval()))
                        .compose(ignored -> store.client.call(HttpMethod.HEAD, "/" + RESULTS_INDEX, null)
                                .recover(missing -> ClusterClient.isNotFound(missing)
                                        ? store.client.call(HttpMethod.PUT, "/" + RESULTS_INDEX, NODES.objectNode())
                                        : Future.failedFuture(missing)));
        return ready.map(ignored -> (ResultsStore) store)
                .recover(failure -> store.close().transform(ignored -> Future.failedFuture(failure)));
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
        return search(query, true);
    }

    @Override
    public Future<SearchPage> searchSources(ResultsQuery query) {
        return search(query, false);
    }

    private Future<SearchPage> search(ResultsQuery query, boolean render) {
        // No filter_path: filtering costs the node more (a third more for a 10,000-hit page) than skipping the hits'
        // metadata costs us. Reading a page is CPU work in proportion to its size: a large one goes to a worker thread.
        ResultType renderAs = render ? query.type() : null;
        return client.send(HttpMethod.POST, "/" + ResultIndices.readAlias(query.jobId()) + "/_search", "application/json",
                        Buffer.buffer(ClusterClient.bytes(searchBody(query))))
                .compose(answer -> answer.length() <= READ_INLINE_BYTES ? Future.succeededFuture(page(renderAs, answer))
                        : pool.executeBlocking(() -> page(renderAs, answer), false))
                // A job that has never written results has no results index yet: nothing matches.
                .recover(failure -> ClusterClient.isNotFound(failure) ? Future.succeededFuture(new SearchPage(0, List.of()))
                        : Future.failedFuture(failure));
    }

    /** Answers up to this size (a count, a few hits) take less time to read than a hop to a worker thread. */
    private static final int READ_INLINE_BYTES = 8 * 1024;

    /**
     * Reads a search answer as it streams: the total, and each hit's source, rendered as {@code type} or, without one,
     * kept as the bytes the cluster sent. The hits' other fields ({@code _index}, {@code _id}, {@code sort}…) are
     * skipped.
     */
    private static SearchPage page(ResultType type, Buffer answer) {
        byte[] bytes = answer.getBytes();
        long total = 0;
        List<byte[]> hits = new ArrayList<>();
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
                    if (type != null) {
                        hits.add(ResultRenderer.renderJson(type, parser.readValueAsTree()));
                    } else {
                        int start = (int) parser.currentTokenLocation().getByteOffset();
                        parser.skipChildren();
                        hits.add(Arrays.copyOfRange(bytes, start, (int) parser.currentLocation().getByteOffset()));
                    }
                }
            }
        } catch (IOException e) {
            throw ClusterClient.notJson();
        }
        return new SearchPage(total, hits);
    }

    /** The query's filters as a {@code bool} filter; a filter this translation does not know fails. */
    private static ObjectNode filterOf(ResultsQuery query) {
        ObjectNode bool = NODES.objectNode();
        ArrayNode filter = bool.putArray("filter");
        filter.addObject().putObject("term").put("job_id", query.jobId());
        filter.addObject().putObject("term").put("result_type", query.type().value());
        for (ResultFilter condition : query.filters()) {
            if (condition instanceof ResultFilter.TimeWindow window) {
                if (window.isEmpty()) {
                    filter.addObject().putObject("match_none");
                } else {
                    ObjectNode range = filter.addObject().putObject("range").putObject("timestamp")
                            .put("format", "epoch_millis");
                    if (window.from() != Long.MIN_VALUE) {
                        range.put("gte", window.from());
                    }
                    if (window.to() != Long.MAX_VALUE) {
                        range.put("lte", window.to());
                    }
                }
            } else if (condition instanceof ResultFilter.MinimumScore score) {
                filter.addObject().putObject("range").putObject(score.field()).put("gte", score.minimum());
            } else if (condition instanceof ResultFilter.FinalOnly) {
                bool.putArray("must_not").addObject().putObject("term").put("is_interim", true);
            } else {
                throw new IllegalArgumentException("the cluster store cannot filter on " + condition);
            }
        }
        ObjectNode root = NODES.objectNode();
        root.set("bool", bool);
        return root;
    }

    @Override
    public Future<List<WriteOutcome>> write(List<WriteOp> operations, boolean refresh) {
        // Writing a bulk body and reading its answer take time in proportion to its size: on a worker thread.
        return client.unlessReadOnly(() -> pool.executeBlocking(() -> bulkBody(operations), false)
                .compose(body -> client.send(HttpMethod.POST, "/_bulk?refresh=" + refresh, "application/x-ndjson", body))
                .compose(answer -> pool.executeBlocking(() -> outcomes(operations, ClusterClient.parse(answer)), false)));
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
            // The conditions go to the cluster, whose engine checks them as Elasticsearch's does.
            WriteCondition condition = op.condition();
            if (condition.seqNoBased()) {
                action.put("if_seq_no", condition.ifSeqNo()).put("if_primary_term", condition.ifPrimaryTerm());
            }
            if (condition.external()) {
                action.put("version", condition.version())
                        .put("version_type", condition.versionType().name().toLowerCase(java.util.Locale.ROOT));
            }
            ndjson.appendBytes(ClusterClient.bytes(meta)).appendByte((byte) '\n');
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
                outcomes.add(WriteOutcome.failed(index, id, ClusterClient.error(status, item.get("error"))));
            } else {
                outcomes.add(new WriteOutcome(index, id, item.path("_version").asLong(), item.path("result").asText(),
                        status, item.path("_seq_no").asLong(), null));
            }
        }
        return outcomes;
    }

    @Override
    public Future<Optional<StoredDocument>> get(String index, String id) {
        return client.call(HttpMethod.GET, "/" + ClusterClient.encode(index) + "/_doc/" + ClusterClient.encode(id), null)
                .map(found -> found.path("found").asBoolean(false)
                        ? Optional.of(new StoredDocument(index, id, found.path("_version").asLong(), found.path("_seq_no").asLong(),
                                ClusterClient.bytes((ObjectNode) found.get("_source"))))
                        : Optional.<StoredDocument>empty())
                .recover(failure -> ClusterClient.isNotFound(failure) ? Future.succeededFuture(Optional.empty())
                        : Future.failedFuture(failure));
    }

    @Override
    public Future<Optional<Long>> count(String index, Optional<String> jobId) {
        ObjectNode body = jobId.map(job -> {
            ObjectNode query = NODES.objectNode();
            query.putObject("query").putObject("term").put("job_id", job);
            return query;
        }).orElse(null);
        return client.call(HttpMethod.POST, "/" + ClusterClient.encode(index) + "/_count", body)
                .map(answer -> Optional.of(answer.path("count").asLong()))
                .recover(failure -> ClusterClient.isNotFound(failure) ? Future.succeededFuture(Optional.empty())
                        : Future.failedFuture(failure));
    }

    @Override
    public Future<Void> refresh() {
        return client.call(HttpMethod.POST, "/" + RESULTS_INDEX + "/_refresh", null).mapEmpty();
    }

    @Override
    public Future<Optional<ObjectNode>> job(String jobId) {
        KnownJob known = knownJobs.get(jobId);
        if (known != null && System.nanoTime() - known.seenAtNanos() < KNOWN_JOB_NANOS) {
            return Future.succeededFuture(Optional.of(known.config().deepCopy()));
        }
        return client.call(HttpMethod.GET, "/" + CONFIG_INDEX + "/_doc/" + ClusterClient.encode(jobDocumentId(jobId)), null)
                .map(answer -> {
                    ObjectNode config = (ObjectNode) answer.get("_source");
                    knownJobs.put(jobId, new KnownJob(config, System.nanoTime()));
                    return Optional.of(config.deepCopy());
                })
                .recover(failure -> {
                    if (!ClusterClient.isNotFound(failure)) {
                        return Future.failedFuture(failure);
                    }
                    knownJobs.remove(jobId);
                    return Future.succeededFuture(Optional.empty());
                });
    }

    @Override
    public Future<List<ObjectNode>> jobs() {
        ObjectNode body = NODES.objectNode();
        // Whatever the config index's mapping: every document is read and the jobs are picked and ordered here.
        body.put("size", 10_000);
        body.putObject("query").putObject("match_all");
        return client.call(HttpMethod.POST, "/" + CONFIG_INDEX + "/_search", body)
                .map(answer -> {
                    List<ObjectNode> configs = new ArrayList<>();
                    answer.path("hits").path("hits").forEach(hit -> {
                        if (hit.path("_id").asText().startsWith("anomaly_detector-") && hit.path("_source").isObject()) {
                            configs.add((ObjectNode) hit.get("_source"));
                        }
                    });
                    configs.sort(java.util.Comparator.comparing(config -> config.path("job_id").asText()));
                    return configs;
                })
                .recover(failure -> ClusterClient.isNotFound(failure) ? Future.succeededFuture(List.of())
                        : Future.failedFuture(failure));
    }

    @Override
    public Future<Boolean> createJob(String jobId, ObjectNode job) {
        return client.unlessReadOnly(() -> client.call(HttpMethod.PUT, "/" + CONFIG_INDEX + "/_create/"
                        + ClusterClient.encode(jobDocumentId(jobId)) + "?refresh=true", job)
                .compose(created -> client.call(HttpMethod.POST, "/_aliases", aliases("add", jobId)))
                .map(true)
                .recover(failure -> failure instanceof EsException es && es.status() == 409
                        ? Future.succeededFuture(false) : Future.failedFuture(failure)));
    }

    /**
     * The index is deleted in the cluster, as Elasticsearch deletes it. The shared one is made again at once, with
     * every job's aliases, since the jobs stay and their results go there.
     */
    @Override
    public Future<Boolean> deleteIndex(String index) {
        return client.unlessReadOnly(() -> {
            Future<Boolean> deleted = index.equals(RESULTS_INDEX)
                    ? client.call(HttpMethod.POST, "/" + RESULTS_INDEX + "/_count", null)
                            .compose(count -> client.call(HttpMethod.DELETE, "/" + RESULTS_INDEX, null)
                                    // A write in between may have created it again from the template: fine.
                                    .compose(ignored -> client.call(HttpMethod.PUT, "/" + RESULTS_INDEX, NODES.objectNode())
                                            .recover(failure -> ClusterClient.isAlreadyExists(failure)
                                                    ? Future.succeededFuture() : Future.failedFuture(failure)))
                                    .compose(ignored -> jobs())
                                    .compose(this::addAliases)
                                    .map(count.path("count").asLong() > 0))
                    : client.call(HttpMethod.DELETE, "/" + ClusterClient.encode(index), null).map(true);
            return deleted.recover(failure -> ClusterClient.isNotFound(failure) ? Future.succeededFuture(false)
                    : Future.failedFuture(failure));
        });
    }

    private Future<Void> addAliases(List<ObjectNode> jobs) {
        if (jobs.isEmpty()) {
            return Future.succeededFuture();
        }
        ObjectNode body = NODES.objectNode();
        ArrayNode actions = body.putArray("actions");
        jobs.forEach(job -> actions.addAll((ArrayNode) aliases("add", job.path("job_id").asText()).get("actions")));
        return client.call(HttpMethod.POST, "/_aliases", body).mapEmpty();
    }

    @Override
    public Future<Boolean> deleteJob(String jobId) {
        return client.unlessReadOnly(() -> {
            ObjectNode byJob = NODES.objectNode();
            byJob.putObject("query").putObject("term").put("job_id", jobId);
            knownJobs.remove(jobId);
            return client.call(HttpMethod.DELETE, "/" + CONFIG_INDEX + "/_doc/" + ClusterClient.encode(jobDocumentId(jobId))
                            + "?refresh=true", null)
                    .compose(deleted -> client.call(HttpMethod.POST, "/" + RESULTS_INDEX
                            + "/_delete_by_query?refresh=true&conflicts=proceed", byJob))
                    .compose(results -> client.call(HttpMethod.POST, "/_aliases", aliases("remove", jobId))
                            .recover(failure -> ClusterClient.isNotFound(failure) ? Future.succeededFuture()
                                    : Future.failedFuture(failure)))
                    .map(true)
                    .recover(failure -> ClusterClient.isNotFound(failure) ? Future.succeededFuture(false)
                            : Future.failedFuture(failure))
                    // A lookup that was under way while the job was deleted may have remembered it again.
                    .onComplete(deleted -> knownJobs.remove(jobId));
        });
    }

    /** Elasticsearch's per-job aliases over the shared results index: reads filtered on the job, and writes. */
    private static ObjectNode aliases(String action, String jobId) {
        ObjectNode body = NODES.objectNode();
        ArrayNode actions = body.putArray("actions");
        ObjectNode read = actions.addObject().putObject(action).put("index", RESULTS_INDEX).put("alias", ResultIndices.readAlias(jobId));
        ObjectNode write = actions.addObject().putObject(action).put("index", RESULTS_INDEX)
                .put("alias", ResultIndices.writeAlias(jobId));
        if (action.equals("add")) {
            read.putObject("filter").putObject("term").put("job_id", jobId);
            read.put("is_hidden", true);
            write.put("is_write_index", true).put("is_hidden", true);
        }
        return body;
    }

    private static String jobDocumentId(String jobId) {
        return "anomaly_detector-" + jobId;
    }

    @Override
    public Future<Void> close() {
        return client.close().eventually(pool::close);
    }

}
