package io.anomalykit.server.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.RestParams;
import io.anomalykit.server.query.ResultsRequestParser;
import io.anomalykit.server.store.ResultIndices;
import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.WriteCondition;
import io.anomalykit.server.store.WriteOutcome;
import io.anomalykit.server.write.BulkRequests;
import io.anomalykit.server.write.DatafeedIndicesOptions;
import io.anomalykit.server.write.Jobs;
import io.anomalykit.server.write.RefreshPolicy;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Elasticsearch's own seeding APIs: create, get and delete a job; index one document; {@code _bulk}; {@code _refresh}. */
final class SeedingEndpoints {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** {@code MachineLearningField.DEPRECATED_ALLOW_NO_JOBS_PARAM}. */
    private static final String DEPRECATED_ALLOW_NO_JOBS = "allow_no_jobs";

    private static final String BULK_ITEM_ACTION = "indices:data/write/bulk[s]";

    private final ResultsStore store;
    private final Clock clock;
    private final Access access;
    private final EmulatedVersion version;
    private final WorkerExecutor pool;

    SeedingEndpoints(ResultsStore store, Clock clock, Access access, EmulatedVersion version, WorkerExecutor pool) {
        this.store = store;
        this.pool = pool;
        this.clock = clock;
        this.access = access;
        this.version = version;
    }

    void putJob(RoutingContext rc) {
        RestParams params = RequestContext.params(rc);
        DatafeedIndicesOptions indicesOptions = DatafeedIndicesOptions.of(params);
        params.rejectUnconsumed();
        String jobId = rc.pathParam("job_id");
        ObjectNode job = Jobs.fromCreateRequest(jobId, RequestContext.body(rc), indicesOptions, clock.millis(),
                version.mlConfigVersion());
        access.cluster(rc, "cluster:admin/xpack/ml/job/put");
        store.jobs()
                .compose(existing -> {
                    Jobs.checkNamesAgainst(job, existing);
                    return store.createJob(jobId, job);
                })
                .onSuccess(created -> {
                    if (created) {
                        Responses.json(rc, 200, job);
                    } else {
                        Responses.error(rc, Jobs.idTaken(jobId));
                    }
                })
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /**
     * {@code GET _ml/anomaly_detectors[/{expression}]} as {@code GetJobsAction} answers it: the expression is a comma
     * list of job ids, group names and wildcards, or {@code _all}/{@code *}/nothing for every job
     * ({@code JobConfigProvider.expandJobs} with {@code ExpandedIdsMatcher}). An exact id or group must match a job;
     * a wildcard need not unless {@code allow_no_match=false}. Jobs come in id order.
     */
    void getJob(RoutingContext rc) {
        RestParams params = RequestContext.params(rc);
        // RestCompatibilityChecker.checkAndSetDeprecatedParam: a REST API version 7 request may still use the old name,
        // with a deprecation warning; for any other request allow_no_jobs is an unrecognized parameter.
        String allowNoMatchParam = "allow_no_match";
        if (params.has(DEPRECATED_ALLOW_NO_JOBS) && version.requestedRestApiMajor(rc.request().getHeader("accept"),
                rc.request().getHeader("content-type"), RequestContext.hasBody(rc)) == 7) {
            allowNoMatchParam = DEPRECATED_ALLOW_NO_JOBS;
            rc.response().putHeader("Warning", version.warning("Deprecated field [" + DEPRECATED_ALLOW_NO_JOBS
                    + "] used, expected [allow_no_match] instead"));
        }
        boolean allowNoMatch = params.flag(allowNoMatchParam, true);
        boolean excludeGenerated = params.flag("exclude_generated", false);
        params.rejectUnconsumed();
        access.cluster(rc, "cluster:monitor/xpack/ml/job/get");
        String expression = rc.pathParam("job_id");
        JobExpression matcher = JobExpression.of(expression == null ? "_all" : expression, allowNoMatch);
        store.jobs()
                .onSuccess(jobs -> {
                    List<ObjectNode> matched = jobs.stream().filter(matcher::matches).toList();
                    String unmatched = matcher.unmatched(jobs);
                    if (!unmatched.isEmpty()) {
                        Responses.error(rc, EsException.jobNotFound(unmatched));
                        return;
                    }
                    ObjectNode body = NODES.objectNode();
                    body.put("count", matched.size());
                    ArrayNode out = body.putArray("jobs");
                    matched.forEach(job -> out.add(Jobs.rendered(job, excludeGenerated)));
                    Responses.json(rc, 200, body);
                })
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /** {@code ExpandedIdsMatcher}: tokens, which of them must match, and what each job answers to (its id and groups). */
    record JobExpression(List<String> tokens, List<String> required, boolean all) {

        static JobExpression of(String expression, boolean allowNoMatch) {
            // Strings.tokenizeToStringArray: trimmed tokens, empty ones dropped.
            List<String> tokens = java.util.Arrays.stream(expression.split(",")).map(String::trim)
                    .filter(token -> !token.isEmpty()).toList();
            boolean all = tokens.isEmpty() || tokens.size() == 1 && (tokens.get(0).equals("_all") || tokens.get(0).equals("*"));
            if (all) {
                return new JobExpression(List.of("*"), allowNoMatch ? List.of() : List.of("*"), true);
            }
            List<String> required = tokens.stream().filter(token -> !allowNoMatch || !token.contains("*")).toList();
            return new JobExpression(tokens, required, false);
        }

        boolean matches(ObjectNode job) {
            return names(job).stream().anyMatch(name -> tokens.stream().anyMatch(token -> simpleMatch(token, name)));
        }

        /** The required tokens no job id or group matched, comma-joined as Elasticsearch names them; empty if none. */
        String unmatched(List<ObjectNode> jobs) {
            List<String> names = jobs.stream().flatMap(job -> names(job).stream()).toList();
            return required.stream().filter(token -> names.stream().noneMatch(name -> simpleMatch(token, name)))
                    .collect(java.util.stream.Collectors.joining(","));
        }

        private static List<String> names(ObjectNode job) {
            List<String> names = new java.util.ArrayList<>();
            names.add(job.path("job_id").asText());
            job.path("groups").forEach(group -> names.add(group.asText()));
            return names;
        }

        /** {@code Regex.simpleMatch}: {@code *} matches any run of characters. */
        static boolean simpleMatch(String pattern, String text) {
            if (!pattern.contains("*")) {
                return pattern.equals(text);
            }
            StringBuilder regex = new StringBuilder();
            for (char c : pattern.toCharArray()) {
                regex.append(c == '*' ? ".*" : java.util.regex.Pattern.quote(String.valueOf(c)));
            }
            return text.matches(regex.toString());
        }
    }

    void deleteJob(RoutingContext rc) {
        RequestContext.params(rc).accept("force", "wait_for_completion", "delete_user_annotations").rejectUnconsumed();
        access.cluster(rc, "cluster:admin/xpack/ml/job/delete");
        String jobId = rc.pathParam("job_id");
        store.deleteJob(jobId)
                .onSuccess(deleted -> {
                    if (deleted) {
                        Responses.json(rc, 200, NODES.objectNode().put("acknowledged", true));
                    } else {
                        Responses.error(rc, EsException.jobNotFound(jobId));
                    }
                })
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /**
     * {@code POST|PUT [/{index}]/_bulk} ({@code RestBulkAction}): the URL's routing, pipeline and flags are every
     * item's defaults; {@code _source*} and {@code list_executed_pipelines} only shape update and ingest answers, which
     * this server does not give, and are read and left.
     */
    void bulk(RoutingContext rc) {
        // Streamed formats only (JSON, Smile): Elasticsearch refuses the others before the handler reads a parameter.
        byte[] body = RequestContext.bulkBody(rc);
        RestParams params = RequestContext.params(rc);
        RefreshPolicy refresh = RefreshPolicy.parse(params.get("refresh"));
        BulkRequests.Options defaults = options(params);
        params.flag("list_executed_pipelines", false);
        params.flag("include_source_on_error", true);
        params.checkTimeValue("timeout");
        params.checkActiveShardCount("wait_for_active_shards");
        params.accept("_source", "_source_includes", "_source_excludes").rejectUnconsumed();
        if (body.length == 0) {
            throw EsException.of(400, "parse_exception", "request body is required");
        }
        long started = System.nanoTime();
        String index = rc.pathParam("index");
        boolean strictActions = strictActionLines(rc);
        Responses.Encoding encoding = Responses.Encoding.of(rc);
        // Parsing a bulk body and writing its answer take time in proportion to its size: on a worker, like the write.
        pool.executeBlocking(() -> authorizedItems(rc, BulkRequests.parse(body, index, defaults, strictActions)), false)
                .compose(items -> BulkRequests.execute(store, items, refresh.refreshes())
                        .compose(outcomes -> pool.executeBlocking(() -> {
                            ObjectNode response = NODES.objectNode();
                            response.put("took", (System.nanoTime() - started) / 1_000_000);
                            response.put("errors", outcomes.stream().anyMatch(WriteOutcome::failed));
                            ArrayNode itemsOut = response.putArray("items");
                            for (int i = 0; i < outcomes.size(); i++) {
                                WriteOutcome outcome = outcomes.get(i);
                                // BulkItemResponse.toXContent: a success is the document's answer with its status.
                                ObjectNode item = outcome.failed() ? failure(outcome)
                                        : outcome(outcome, refresh).put("status", outcome.status());
                                itemsOut.addObject().set(items.get(i).action(), item);
                            }
                            return encoding.encode(response);
                        }, false)))
                .onSuccess(answer -> Responses.send(rc, 200, encoding, answer))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /**
     * Whether action lines are read strictly: REST API version 9 (the 9.x server, unless the body asks for version 8
     * with {@code compatible-with=8}), as {@code BulkRequestParser.checkBulkActionIsProperlyClosed} decides.
     */
    private boolean strictActionLines(RoutingContext rc) {
        Integer asked = MediaTypes.compatibleWith(rc.request().getHeader("content-type"));
        return (asked == null ? version.major() : asked) >= 9;
    }

    /** Each item is authorized on its own index, as Elasticsearch authorizes bulk items: a refused item fails alone. */
    private List<BulkRequests.Item> authorizedItems(RoutingContext rc, List<BulkRequests.Item> items) {
        return items.stream().map(item -> {
            try {
                access.index(rc, BULK_ITEM_ACTION, item.index());
                return item;
            } catch (EsException refused) {
                return BulkRequests.Item.failed(item.action(), item.index(), item.id(), refused);
            }
        }).toList();
    }

    /** {@code PUT|POST /{index}/_create/{id}} ({@code RestIndexAction.CreateHandler}): an index with op_type create. */
    void createDocument(RoutingContext rc) {
        String opType = rc.request().getParam("op_type");
        if (opType != null && !opType.equals("create")) {
            throw EsException.illegalArgument("opType must be 'create', found: [" + opType + "]");
        }
        indexDocument(rc, "create");
    }

    void indexDocument(RoutingContext rc) {
        indexDocument(rc, "index");
    }

    /**
     * {@code GET|HEAD /{index}/_doc/{id}} ({@code RestGetAction}), realtime as Elasticsearch's get. {@code refresh}
     * refreshes first; {@code version} with {@code version_type} is checked against the document found
     * ({@code VersionType.isVersionConflictForReads}: 409, a missing document is simply not found); {@code _source},
     * {@code _source_includes} and {@code _source_excludes} ({@code FetchSourceContext.parseFromRestRequest}) leave the
     * source out or filter it by top-level field names. What this server cannot answer exactly is refused:
     * {@code realtime=false}, {@code stored_fields}, and source patterns with wildcards or object paths.
     */
    void getDocument(RoutingContext rc) {
        RestParams params = RequestContext.params(rc);
        boolean refresh = params.flag("refresh", false);
        params.accept("routing", "preference");
        if (!params.flag("realtime", true)) {
            throw EsException.illegalArgument("[realtime=false] is not supported by this server: a get always reads the "
                    + "latest write");
        }
        if (params.get("stored_fields") != null) {
            throw EsException.illegalArgument("[stored_fields] is not supported by this server: results have no stored "
                    + "fields, use [_source]");
        }
        long version = params.longValue("version", WriteCondition.MATCH_ANY);
        String type = params.get("version_type");
        WriteCondition.VersionType versionType = type == null ? WriteCondition.VersionType.INTERNAL
                : WriteCondition.VersionType.parse(type);
        SourceFilter source = SourceFilter.parse(params);
        params.flag("_source_exclude_vectors", false);
        params.rejectUnconsumed();
        boolean validVersion = versionType == WriteCondition.VersionType.INTERNAL
                ? version > 0 || version == WriteCondition.MATCH_ANY : version >= 0 || version == WriteCondition.MATCH_ANY;
        if (!validVersion) {
            throw EsException.of(400, "action_request_validation_exception", "Validation Failed: 1: illegal version value ["
                    + version + "] for version type [" + versionType.name() + "];");
        }
        String name = rc.pathParam("index");
        String id = rc.pathParam("id");
        access.index(rc, "indices:data/read/get", name);
        boolean head = rc.request().method() == io.vertx.core.http.HttpMethod.HEAD;
        BulkRequests.concreteIndex(store, name)
                .compose(index -> (refresh ? store.refresh() : Future.<Void>succeededFuture())
                        .compose(ignored -> store.get(index, id)).map(found -> {
                    ObjectNode out = NODES.objectNode();
                    out.put("_index", index).put("_id", id);
                    if (found.isEmpty()) {
                        out.put("found", false);
                        return out;
                    }
                    long current = found.get().version();
                    if (version != WriteCondition.MATCH_ANY && current != version) {
                        throw WriteCondition.conflict(index, "[" + id + "]: version conflict, current version [" + current
                                + "] is different than the one provided [" + version + "]");
                    }
                    out.put("_version", current).put("_seq_no", found.get().seqNo())
                            .put("_primary_term", WriteCondition.PRIMARY_TERM).put("found", true);
                    if (source.fetch()) {
                        try {
                            out.set("_source", source.apply((ObjectNode) Responses.JSON.readTree(found.get().source())));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                    return out;
                }))
                .onSuccess(out -> {
                    int status = out.get("found").asBoolean() ? 200 : 404;
                    if (head) {
                        Responses.empty(rc, status, java.util.Map.of());
                    } else {
                        Responses.json(rc, status, out);
                    }
                })
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /** {@code DELETE /{index}/_doc/{id}} ({@code RestDeleteAction}), with the same conditions as an index. */
    void deleteDocument(RoutingContext rc) {
        RestParams params = RequestContext.params(rc);
        RefreshPolicy refresh = RefreshPolicy.parse(params.get("refresh"));
        WriteCondition condition = condition(params);
        BulkRequests.Options options = new BulkRequests.Options(params.get("routing"), null, false, false);
        params.checkTimeValue("timeout");
        params.checkActiveShardCount("wait_for_active_shards");
        params.rejectUnconsumed();
        BulkRequests.Item item = new BulkRequests.Item("delete", rc.pathParam("index"), rc.pathParam("id"), null, null, null,
                condition, options);
        writeOne(rc, item, "indices:data/write/delete", refresh);
    }

    /** {@code RestIndexAction}'s parameters. */
    private void indexDocument(RoutingContext rc, String defaultOpType) {
        RestParams params = RequestContext.params(rc);
        RefreshPolicy refresh = RefreshPolicy.parse(params.get("refresh"));
        String opType = params.get("op_type", defaultOpType);
        WriteCondition condition = condition(params);
        BulkRequests.Options options = options(params);
        params.flag("include_source_on_error", true);
        params.checkTimeValue("timeout");
        params.checkActiveShardCount("wait_for_active_shards");
        params.rejectUnconsumed();
        if (!opType.equals("index") && !opType.equals("create")) {
            throw EsException.illegalArgument("opType must be 'create' or 'index', found: [" + opType + "]");
        }
        byte[] source = requireBody(rc);
        BulkRequests.Item item = BulkRequests.documentItem(opType, rc.pathParam("index"), rc.pathParam("id"), source)
                .when(condition).with(options);
        writeOne(rc, item, "indices:data/write/index", refresh);
    }

    /** {@code routing}, {@code pipeline}, {@code require_alias} and {@code require_data_stream} from the URL. */
    private static BulkRequests.Options options(RestParams params) {
        return new BulkRequests.Options(params.get("routing"), params.get("pipeline"), params.flag("require_alias", false),
                params.flag("require_data_stream", false));
    }

    /**
     * One document written outside {@code _bulk}: validated before it is authorized (as {@code IndexRequest.validate}
     * and {@code DeleteRequest.validate} run), then answered with its outcome ({@code RestToXContentListener}: no
     * {@code status} field, and a {@code Location} when created), or with its failure as the error.
     */
    private void writeOne(RoutingContext rc, BulkRequests.Item item, String action, RefreshPolicy refresh) {
        BulkRequests.validate(List.of(item));
        access.index(rc, action, item.index());
        BulkRequests.execute(store, List.of(item), refresh.refreshes())
                .compose(outcomes -> {
                    WriteOutcome outcome = outcomes.get(0);
                    return outcome.failed() ? Future.failedFuture(outcome.error()) : Future.succeededFuture(outcome);
                })
                .onSuccess(outcome -> {
                    if (outcome.status() == 201) {
                        rc.response().putHeader("Location", location(outcome, item.options().routing()));
                    }
                    Responses.json(rc, outcome.status(), outcome(outcome, refresh));
                })
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /** {@code DocWriteResponse.getLocation}: each part URL-encoded on its own. */
    private static String location(WriteOutcome outcome, String routing) {
        String path = "/" + URLEncoder.encode(outcome.index(), StandardCharsets.UTF_8) + "/_doc/"
                + URLEncoder.encode(outcome.id(), StandardCharsets.UTF_8);
        return routing == null ? path : path + "?routing=" + URLEncoder.encode(routing, StandardCharsets.UTF_8);
    }

    /**
     * {@code RestIndexAction}: {@code version} ({@code RestActions.parseVersion}), {@code version_type},
     * {@code if_seq_no} and {@code if_primary_term} from the query string.
     */
    private static WriteCondition condition(RestParams params) {
        long ifSeqNo = params.longValue("if_seq_no", WriteCondition.UNASSIGNED_SEQ_NO);
        long ifPrimaryTerm = params.longValue("if_primary_term", 0);
        long version = params.longValue("version", WriteCondition.MATCH_ANY);
        String type = params.get("version_type");
        return BulkRequests.conditionOf(ifSeqNo, ifPrimaryTerm, version, type == null
                ? WriteCondition.VersionType.INTERNAL : WriteCondition.VersionType.parse(type));
    }

    /**
     * {@code DELETE /{index}} ({@code RestDeleteIndexAction}) for results indices: each named index's documents go, as
     * the index would; the job aliases are not indices ({@code IndexNameExpressionResolver} refuses them for a delete),
     * and with {@code action.destructive_requires_name} at its 8.x default no wildcard or {@code _all} is allowed
     * ({@code DestructiveOperations}). Every name is checked before anything is deleted.
     */
    void deleteIndex(RoutingContext rc) {
        RestParams params = RequestContext.params(rc);
        // IndicesOptions: a missing index is skipped rather than refused when asked; the others only shape wildcards.
        boolean ignoreUnavailable = params.flag("ignore_unavailable", false);
        params.checkTimeValue("timeout");
        params.checkTimeValue("master_timeout");
        params.accept("allow_no_indices", "expand_wildcards").rejectUnconsumed();
        // Strings.splitStringByCommaToArray: empty names dropped.
        List<String> names = java.util.Arrays.stream(rc.pathParam("index").split(",")).filter(name -> !name.isEmpty()).toList();
        if (names.isEmpty() || names.stream().anyMatch(name -> name.equals("_all") || name.contains("*"))) {
            throw EsException.illegalArgument("Wildcard expressions or all indices are not allowed");
        }
        names.forEach(name -> access.index(rc, "indices:admin/delete", name));
        store.jobs()
                .compose(jobs -> {
                    for (String name : names) {
                        boolean aliasOfJob = ResultIndices.aliasedJob(name)
                                .filter(jobId -> jobs.stream().anyMatch(job -> job.path("job_id").asText().equals(jobId)))
                                .isPresent();
                        if (aliasOfJob) {
                            throw EsException.illegalArgument("The provided expression [" + name
                                    + "] matches an alias, specify the corresponding concrete indices instead.");
                        }
                        if (!name.equals(ResultIndices.SHARED) && !name.startsWith(ResultIndices.CUSTOM_PREFIX)
                                && !ignoreUnavailable) {
                            throw EsException.indexNotFound(name);
                        }
                    }
                    List<String> results = names.stream().filter(name -> name.equals(ResultIndices.SHARED)
                            || name.startsWith(ResultIndices.CUSTOM_PREFIX)).toList();
                    return deleteEach(results, 0, jobs, ignoreUnavailable);
                })
                .onSuccess(ignored -> Responses.json(rc, 200, NODES.objectNode().put("acknowledged", true)))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /**
     * Deletes the indices one after the other. The shared index and a job's custom index exist while the server
     * does; any other custom index exists once written to, until it is deleted.
     */
    private Future<Void> deleteEach(List<String> names, int next, List<ObjectNode> jobs, boolean ignoreUnavailable) {
        if (next == names.size()) {
            return Future.succeededFuture();
        }
        String name = names.get(next);
        boolean known = name.equals(ResultIndices.SHARED) || jobs.stream().anyMatch(job -> ResultIndices.ofJob(job).equals(name));
        return store.deleteIndex(name).compose(held -> held || known || ignoreUnavailable
                ? deleteEach(names, next + 1, jobs, ignoreUnavailable) : Future.failedFuture(EsException.indexNotFound(name)));
    }

    void refresh(RoutingContext rc) {
        RequestContext.params(rc).accept("ignore_unavailable", "allow_no_indices", "expand_wildcards").rejectUnconsumed();
        String index = rc.pathParam("index");
        access.index(rc, "indices:admin/refresh", index == null ? ResultIndices.SHARED : index);
        if (index != null && !index.startsWith(ResultIndices.PREFIX) && !index.equals("_all") && !index.equals("*")) {
            throw EsException.indexNotFound(index);
        }
        store.refresh()
                .onSuccess(ignored -> {
                    ObjectNode body = NODES.objectNode();
                    body.set("_shards", shards());
                    Responses.json(rc, 200, body);
                })
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /**
     * {@code GET|POST /{index}/_count} ({@code RestCountAction}: a search of size 0 counting every hit) on one results
     * index or job alias, a job's read alias counting that job's documents as its filter does. Only the query that
     * counts everything is answered: no body, {@code {}}, or {@code {"query":{"match_all":{}}}}; any other query, and
     * {@code q}, are refused rather than answered with a count of something else.
     */
    void count(RoutingContext rc) {
        RestParams params = RequestContext.params(rc);
        params.accept("routing", "preference");
        if (params.has("q")) {
            throw queryNotCounted("query_string ([q])");
        }
        params.rejectUnconsumed();
        String name = rc.pathParam("index");
        access.index(rc, "indices:data/read/search", name);
        if (RequestContext.hasBody(rc)) {
            checkCountsEverything(RequestContext.body(rc));
        }
        Optional<String> job = ResultIndices.aliasedJob(name).filter(id -> !name.equals(ResultIndices.writeAlias(id)));
        store.jobs().compose(jobs -> BulkRequests.concreteIndex(store, name).compose(index -> store.count(index, job)
                        .map(count -> count.orElseGet(() -> {
                            if (index.equals(ResultIndices.SHARED)
                                    || jobs.stream().anyMatch(known -> ResultIndices.ofJob(known).equals(index))) {
                                return 0L;
                            }
                            throw EsException.indexNotFound(index);
                        }))))
                .onSuccess(count -> {
                    ObjectNode body = NODES.objectNode().put("count", count);
                    body.set("_shards", NODES.objectNode().put("total", 1).put("successful", 1).put("skipped", 0)
                            .put("failed", 0));
                    Responses.json(rc, 200, body);
                })
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /**
     * A count body as {@code RestActions.getQueryContent} reads it: an object whose only field may be {@code query};
     * of the queries, only {@code match_all} without options is counted here.
     */
    private static void checkCountsEverything(byte[] body) {
        try (JsonParser parser = Responses.JSON.getFactory().createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return;
            }
            if (first != JsonToken.START_OBJECT) {
                throw parsingException(parser, "Expected [START_OBJECT] but found [" + ResultsRequestParser.tokenName(first) + "]");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                if (!parser.currentName().equals("query")) {
                    throw parsingException(parser, "request does not support [" + parser.currentName() + "]");
                }
                parser.nextToken();
                JsonNode query = Responses.JSON.readTree(parser);
                String kind = query.isObject() && query.size() == 1 ? query.fieldNames().next() : null;
                if (!"match_all".equals(kind) || !query.get(kind).isObject() || !query.get(kind).isEmpty()) {
                    throw queryNotCounted(kind == null ? query.toString() : kind);
                }
            }
        } catch (JsonParseException e) {
            throw ResultsRequestParser.jsonSyntaxError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code ParsingException}: its location goes with it as {@code line} and {@code col}. */
    private static EsException parsingException(JsonParser parser, String reason) {
        JsonLocation at = parser.currentTokenLocation();
        return EsException.of(400, "parsing_exception", reason).withMetadata("line", at.getLineNr())
                .withMetadata("col", at.getColumnNr());
    }

    private static EsException queryNotCounted(String query) {
        return EsException.illegalArgument("query [" + query + "] is not supported by this server's count API: only "
                + "counting every document (no query, or [match_all]) is");
    }

    private static byte[] requireBody(RoutingContext rc) {
        byte[] body = RequestContext.body(rc);
        if (body.length == 0) {
            throw EsException.of(400, "parse_exception", "request body is required");
        }
        return body;
    }

    /**
     * {@code DocWriteResponse.innerToXContent}: {@code _index}, {@code _id}, {@code _version}, {@code result},
     * {@code forced_refresh} when a refresh was forced, {@code _shards}, {@code _seq_no}, {@code _primary_term}.
     */
    private static ObjectNode outcome(WriteOutcome outcome, RefreshPolicy refresh) {
        ObjectNode out = NODES.objectNode();
        out.put("_index", outcome.index());
        out.put("_id", outcome.id());
        out.put("_version", outcome.version());
        out.put("result", outcome.result());
        if (refresh.forces()) {
            out.put("forced_refresh", true);
        }
        out.set("_shards", shards());
        out.put("_seq_no", outcome.seqNo());
        out.put("_primary_term", WriteCondition.PRIMARY_TERM);
        return out;
    }

    /**
     * {@code BulkItemResponse.toXContent} for a failed item: {@code _index}, {@code _id} (null when none was given or
     * made), {@code status}, {@code error}.
     */
    private static ObjectNode failure(WriteOutcome outcome) {
        ObjectNode out = NODES.objectNode();
        out.put("_index", outcome.index());
        out.put("_id", outcome.id());
        out.put("status", outcome.status());
        ObjectNode error = (ObjectNode) Responses.body(outcome.error(), false).get("error");
        error.remove("root_cause");
        out.set("error", error);
        return out;
    }

    private static ObjectNode shards() {
        return NODES.objectNode().put("total", 1).put("successful", 1).put("failed", 0);
    }
}
