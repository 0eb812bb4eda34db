package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsRequest;
import io.anomalykit.server.query.ResultsRequestParser;
import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.SearchPage;
import io.vertx.core.Future;
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

    ResultsEndpoint(ResultsStore store, Clock clock, Access access) {
        this.store = store;
        this.clock = clock;
        this.access = access;
    }

    void handle(RoutingContext rc, ResultType type) {
        String jobId = rc.pathParam("job_id");
        ResultsRequest request = ResultsRequestParser.parse(type, jobId, RequestContext.params(rc), RequestContext.body(rc));
        access.results(rc, type.action(), jobId);
        boolean human = Responses.isHuman(rc);
        store.job(jobId)
                .compose(job -> {
                    if (job.isEmpty()) {
                        return Future.failedFuture(EsException.jobNotFound(jobId));
                    }
                    return store.search(request.resolve(clock.millis()));
                })
                .onSuccess(page -> Responses.json(rc, 200, render(type, page, human)))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    private static ObjectNode render(ResultType type, SearchPage page, boolean human) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("count", page.total());
        ArrayNode results = body.putArray(type.arrayField());
        page.documents().forEach(document -> results.add(ResultRenderer.render(type, document, human)));
        return body;
    }
}
