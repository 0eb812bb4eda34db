package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.query.ResultsQuery;
import io.vertx.core.Future;

import java.util.List;
import java.util.Optional;

/**
 * Where results and jobs live: the seam a results backend implements (with {@code ResultsStoreContract} as its test).
 * Implementations keep Elasticsearch's semantics (see {@link ResultsQuery}; a filter they cannot apply fails the
 * search rather than being ignored), never block the calling event loop, and keep the source documents as they were
 * sent.
 *
 * <p>Visibility follows Elasticsearch: a written result becomes searchable after {@link #refresh()} (or a write with
 * {@code refresh}) or after the store's automatic refresh interval. Jobs are visible at once. A write whose future has
 * completed is durable.
 */
public interface ResultsStore {

    /** The total number of matches and one page of them, rendered as Elasticsearch answers them, in order. */
    Future<SearchPage> search(ResultsQuery query);

    /** The same page as {@link #search}, as the source documents were indexed (for tools and tests). */
    Future<SearchPage> searchSources(ResultsQuery query);

    /** Applies the operations in order; each succeeds or fails on its own. */
    Future<List<WriteOutcome>> write(List<WriteOp> operations, boolean refresh);

    Future<Void> refresh();

    /**
     * One document by its concrete index and id, as Elasticsearch's realtime get reads it: writes not yet refreshed
     * included.
     */
    Future<Optional<StoredDocument>> get(String index, String id);

    /**
     * Deletes every document of a concrete results index ({@code .ml-anomalies-shared} or a custom one), as deleting
     * the index does in Elasticsearch; jobs are left as they are. A document written to an index of that name
     * afterwards starts again at sequence number 0 and version 1.
     *
     * @return false if there was nothing to delete: the index was never written to, or was deleted since
     */
    Future<Boolean> deleteIndex(String index);

    /**
     * How many documents of a concrete results index a search sees (what was refreshed), as the count API answers;
     * with a job, only that job's (the filter of its read alias).
     *
     * @return empty if the index does not exist (never written to, or deleted since)
     */
    Future<Optional<Long>> count(String index, Optional<String> jobId);

    Future<Optional<ObjectNode>> job(String jobId);

    /** Every job's configuration, in job id order. */
    Future<List<ObjectNode>> jobs();

    /** @return false, writing nothing, if a job with this id exists */
    Future<Boolean> createJob(String jobId, ObjectNode job);

    /** Deletes the job and all its results. @return false if there was no such job */
    Future<Boolean> deleteJob(String jobId);

    Future<Void> close();
}
