package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.query.ResultsQuery;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where results and jobs live. Implementations keep Elasticsearch's semantics (see {@link ResultsQuery}), never block
 * the calling event loop, and pass the store contract tests.
 *
 * <p>Visibility follows Elasticsearch: a written result becomes searchable after {@link #refresh()} (or a write with
 * {@code refresh}) or after the store's automatic refresh interval. Jobs are visible at once. A write whose future has
 * completed is durable.
 */
public interface ResultsStore {

    /** The total number of matches and one page of their source documents, in order. */
    Future<SearchPage> search(ResultsQuery query);

    /** Applies the operations in order; each succeeds or fails on its own. */
    Future<List<WriteOutcome>> write(List<WriteOp> operations, boolean refresh);

    Future<Void> refresh();

    Future<Optional<ObjectNode>> job(String jobId);

    /** @return false, writing nothing, if a job with this id exists */
    Future<Boolean> createJob(String jobId, ObjectNode job);

    /** Deletes the job and all its results. @return false if there was no such job */
    Future<Boolean> deleteJob(String jobId);

    /** The security objects of one kind (native users, native roles), by id. */
    Future<Map<String, ObjectNode>> securityObjects(String kind);

    /** Creates or replaces a security object; durable once the future completes. */
    Future<Void> putSecurityObject(String kind, String id, ObjectNode object);

    /** @return false if there was no such object */
    Future<Boolean> deleteSecurityObject(String kind, String id);

    Future<Void> close();
}
