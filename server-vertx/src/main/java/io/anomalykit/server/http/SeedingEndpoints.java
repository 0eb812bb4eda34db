package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.RestParams;
import io.anomalykit.server.write.BulkRequests;
import io.anomalykit.server.write.DatafeedIndicesOptions;
import io.anomalykit.server.write.Jobs;
import io.anomalykit.server.store.ResultIndices;
import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.WriteCondition;
import io.anomalykit.server.store.WriteOutcome;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.util.List;

/** Elasticsearch's own seeding APIs: create, get and delete a job; index one document; {@code _bulk}; {@code _refresh}. */
final class SeedingEndpoints {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final String BULK_ITEM_ACTION = "indices:data/write/bulk[s]";

    private final ResultsStore store;
    private final Clock clock;
    private final Access access;
    private final EmulatedVersion version;

    SeedingEndpoints(ResultsStore store, Clock clock, Access access, EmulatedVersion version) {
        this.store = store;
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
                version.number());
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
        boolean allowNoMatch = params.flag("allow_no_match", true);
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

    void bulk(RoutingContext rc) {
        // Streamed formats only (JSON, Smile): Elasticsearch refuses the others before the handler reads a parameter.
        byte[] body = RequestContext.bulkBody(rc);
        RestParams params = RequestContext.params(rc);
        boolean refresh = refresh(params);
        params.accept("timeout", "wait_for_active_shards").rejectUnconsumed();
        if (body.length == 0) {
            throw EsException.of(400, "parse_exception", "request body is required");
        }
        long started = System.nanoTime();
        String index = rc.pathParam("index");
        Responses.Encoding encoding = Responses.Encoding.of(rc);
        // Parsing a bulk body and writing its answer take time in proportion to its size: on a worker, like the write.
        rc.vertx().executeBlocking(() -> authorizedItems(rc, BulkRequests.parse(body, index)), false)
                .compose(items -> BulkRequests.execute(store, items, refresh)
                        .compose(outcomes -> rc.vertx().executeBlocking(() -> {
                            ObjectNode response = NODES.objectNode();
                            response.put("took", (System.nanoTime() - started) / 1_000_000);
                            response.put("errors", outcomes.stream().anyMatch(WriteOutcome::failed));
                            ArrayNode itemsOut = response.putArray("items");
                            for (int i = 0; i < outcomes.size(); i++) {
                                itemsOut.addObject().set(items.get(i).action(), outcome(outcomes.get(i)));
                            }
                            return encoding.encode(response);
                        }, false)))
                .onSuccess(answer -> Responses.send(rc, 200, encoding, answer))
                .onFailure(failure -> Responses.error(rc, failure));
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

    /** {@code GET|HEAD /{index}/_doc/{id}} ({@code RestGetAction}): realtime, as Elasticsearch's default. */
    void getDocument(RoutingContext rc) {
        RequestContext.params(rc).accept("routing", "preference", "refresh").rejectUnconsumed();
        String name = rc.pathParam("index");
        String id = rc.pathParam("id");
        access.index(rc, "indices:data/read/get", name);
        boolean head = rc.request().method() == io.vertx.core.http.HttpMethod.HEAD;
        BulkRequests.concreteIndex(store, name)
                .compose(index -> store.get(index, id).map(found -> {
                    ObjectNode out = NODES.objectNode();
                    out.put("_index", index).put("_id", id);
                    if (found.isEmpty()) {
                        out.put("found", false);
                        return out;
                    }
                    out.put("_version", found.get().version()).put("_seq_no", found.get().seqNo())
                            .put("_primary_term", WriteCondition.PRIMARY_TERM).put("found", true);
                    try {
                        out.set("_source", Responses.JSON.readTree(found.get().source()));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
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
        boolean refresh = refresh(params);
        WriteCondition condition = condition(params);
        params.accept("timeout", "wait_for_active_shards", "routing").rejectUnconsumed();
        BulkRequests.Item item = new BulkRequests.Item("delete", rc.pathParam("index"), rc.pathParam("id"), null, null, null,
                condition);
        writeOne(rc, item, "indices:data/write/delete", refresh);
    }

    private void indexDocument(RoutingContext rc, String defaultOpType) {
        RestParams params = RequestContext.params(rc);
        boolean refresh = refresh(params);
        String opType = params.get("op_type", defaultOpType);
        WriteCondition condition = condition(params);
        params.accept("timeout", "wait_for_active_shards").rejectUnconsumed();
        if (!opType.equals("index") && !opType.equals("create")) {
            throw EsException.illegalArgument("opType must be 'create' or 'index', found: [" + opType + "]");
        }
        byte[] source = requireBody(rc);
        BulkRequests.Item item = BulkRequests.documentItem(opType, rc.pathParam("index"), rc.pathParam("id"), source)
                .when(condition);
        writeOne(rc, item, "indices:data/write/index", refresh);
    }

    /**
     * One document written outside {@code _bulk}: validated before it is authorized (as {@code IndexRequest.validate}
     * and {@code DeleteRequest.validate} run), then answered with its outcome, or with its failure as the error.
     */
    private void writeOne(RoutingContext rc, BulkRequests.Item item, String action, boolean refresh) {
        BulkRequests.validate(List.of(item));
        access.index(rc, action, item.index());
        BulkRequests.execute(store, List.of(item), refresh)
                .compose(outcomes -> {
                    WriteOutcome outcome = outcomes.get(0);
                    return outcome.failed() ? Future.failedFuture(outcome.error()) : Future.succeededFuture(outcome);
                })
                .onSuccess(outcome -> Responses.json(rc, outcome.status(), outcome(outcome)))
                .onFailure(failure -> Responses.error(rc, failure));
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

    void refresh(RoutingContext rc) {
        RequestContext.params(rc).accept("ignore_unavailable", "allow_no_indices", "expand_wildcards").rejectUnconsumed();
        String index = rc.pathParam("index");
        access.index(rc, "indices:admin/refresh", index == null ? ResultIndices.SHARED : index);
        if (index != null && !index.startsWith(ResultIndices.PREFIX) && !index.equals("_all") && !index.equals("*")) {
            throw EsException.of(404, "index_not_found_exception", "no such index [" + index + "]")
                    .withMetadata("resource.type", "index_or_alias").withMetadata("resource.id", index)
                    .withMetadata("index", index);
        }
        store.refresh()
                .onSuccess(ignored -> {
                    ObjectNode body = NODES.objectNode();
                    body.set("_shards", shards());
                    Responses.json(rc, 200, body);
                })
                .onFailure(failure -> Responses.error(rc, failure));
    }

    private static boolean refresh(RestParams params) {
        String value = params.get("refresh");
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.isEmpty() || value.equals("true") || value.equals("wait_for")) {
            return true;
        }
        throw EsException.illegalArgument("Unknown value for refresh: [" + value + "].");
    }

    private static byte[] requireBody(RoutingContext rc) {
        byte[] body = RequestContext.body(rc);
        if (body.length == 0) {
            throw EsException.of(400, "parse_exception", "request body is required");
        }
        return body;
    }

    private static ObjectNode outcome(WriteOutcome outcome) {
        ObjectNode out = NODES.objectNode();
        out.put("_index", outcome.index());
        if (outcome.id() != null) {
            out.put("_id", outcome.id());
        }
        if (outcome.failed()) {
            out.put("status", outcome.status());
            ObjectNode error = (ObjectNode) Responses.body(outcome.error(), false).get("error");
            error.remove("root_cause");
            out.set("error", error);
            return out;
        }
        out.put("_version", outcome.version());
        out.put("result", outcome.result());
        out.set("_shards", shards());
        out.put("_seq_no", outcome.seqNo());
        out.put("_primary_term", 1);
        out.put("status", outcome.status());
        return out;
    }

    private static ObjectNode shards() {
        return NODES.objectNode().put("total", 1).put("successful", 1).put("failed", 0);
    }
}
