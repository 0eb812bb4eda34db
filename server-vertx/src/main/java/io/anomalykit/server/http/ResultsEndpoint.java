package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.Dates;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsRequest;
import io.anomalykit.server.query.ResultsRequestParser;
import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.SearchPage;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;

/**
 * Get records and get influencers, in Elasticsearch's order of checks: parameters and body (400), then authorization
 * (403), then the job (404),
 * then the search (400 for a bad date, an unsortable field or too large a window).
 */
final class ResultsEndpoint {

    private final ResultsStore store;
    private final Clock clock;
    private final Access access;
    private final WorkerExecutor pool;

    ResultsEndpoint(ResultsStore store, Clock clock, Access access, WorkerExecutor pool) {
        this.store = store;
        this.pool = pool;
        this.clock = clock;
        this.access = access;
    }

    void handle(RoutingContext rc, ResultType type) {
        String jobId = rc.pathParam("job_id");
        ResultsRequest request = ResultsRequestParser.parse(type, jobId, RequestContext.params(rc), RequestContext.body(rc));
        access.results(rc, type.action(), jobId);
        boolean human = Responses.isHuman(rc);
        Responses.Encoding encoding = Responses.Encoding.of(rc);
        searchKnownJob(jobId, request)
                // Building an answer is CPU work proportional to the page: only a small copy stays on the event loop.
                .compose(page -> cheap(page, human, encoding) ? Future.succeededFuture(answer(type, page, human, encoding))
                        : pool.executeBlocking(() -> answer(type, page, human, encoding), false))
                .onSuccess(bytes -> Responses.send(rc, 200, encoding, bytes))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /**
     * The search, for a job that exists: an unknown job is reported before anything else about the request (a bad date
     * included), as Elasticsearch does. When the request resolves, the job lookup and the search run together, which
     * saves a round trip on a store whose lookups are remote.
     */
    private Future<SearchPage> searchKnownJob(String jobId, ResultsRequest request) {
        Future<SearchPage> search = searchIfValid(request);
        return store.job(jobId).compose(job -> job.isEmpty() ? Future.failedFuture(EsException.jobNotFound(jobId)) : search);
    }

    private Future<SearchPage> searchIfValid(ResultsRequest request) {
        try {
            return store.search(request.resolve(clock.millis()));
        } catch (EsException invalid) {
            return Future.failedFuture(invalid);
        }
    }

    /** Pages copied verbatim up to this size cost less than a hop to a worker thread. */
    private static final int CHEAP_COPY_BYTES = 64 * 1024;

    private static boolean cheap(SearchPage page, boolean human, Responses.Encoding encoding) {
        return !human && encoding.verbatim()
                && page.hits().stream().mapToLong(result -> result.length).sum() <= CHEAP_COPY_BYTES;
    }

    /**
     * The answer body. Results come rendered from the store; in the common case (no {@code human}, {@code pretty} or
     * {@code filter_path}) they are copied as they are, otherwise the answer is built as a tree.
     */
    private static Buffer answer(ResultType type, SearchPage page, boolean human, Responses.Encoding encoding) {
        if (!human && encoding.verbatim()) {
            Buffer body = Buffer.buffer(64 + page.hits().stream().mapToInt(result -> result.length + 1).sum())
                    .appendString("{\"count\":").appendString(Long.toString(page.total()))
                    .appendString(",\"").appendString(type.arrayField()).appendString("\":[");
            for (int i = 0; i < page.hits().size(); i++) {
                if (i > 0) {
                    body.appendByte((byte) ',');
                }
                body.appendBytes(page.hits().get(i));
            }
            return body.appendString("]}");
        }
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("count", page.total());
        ArrayNode results = body.putArray(type.arrayField());
        page.documents().forEach(result -> results.add(human ? withTimestampString(result) : result));
        return encoding.encode(body);
    }

    /** Elasticsearch's {@code human} form of a result: the timestamp also as text, just before it. */
    private static ObjectNode withTimestampString(ObjectNode result) {
        JsonNode timestamp = result.get("timestamp");
        if (timestamp == null) {
            return result;
        }
        ObjectNode human = JsonNodeFactory.instance.objectNode();
        result.properties().forEach(field -> {
            if (field.getKey().equals("timestamp")) {
                human.put("timestamp_string", Dates.print(timestamp.asLong()));
            }
            human.set(field.getKey(), field.getValue());
        });
        return human;
    }
}
