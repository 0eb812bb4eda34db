package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultsQuery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Elasticsearch's flood-stage disk watermark for the embedded stores: while the free space on the data path is below
 * the threshold, every write is refused with the 429 {@code cluster_block_exception} of the
 * {@code read-only-allow-delete} block ({@code IndexMetadata.INDEX_READ_ONLY_ALLOW_DELETE_BLOCK}, id 12, level WRITE);
 * reads, refreshes and deleting a job go on, and writes are accepted again as soon as the space is back (as
 * Elasticsearch releases the block since 7.4). The free space is read on a timer, as Elasticsearch's
 * {@code InternalClusterInfoService} reads it every {@code cluster.info.update.interval} (30 s), from a provider a test
 * may replace; writes are judged by the last reading, so a write never waits for the file system.
 */
public final class DiskWatermark {

    /** Elasticsearch's default flood stage: 95% used, with at most 100 GB of headroom kept free. */
    public static final double DEFAULT_FLOOD_STAGE_FRACTION_FREE = 0.05;
    public static final long DEFAULT_MAX_HEADROOM_BYTES = 100L * 1024 * 1024 * 1024;
    /** Elasticsearch's default {@code cluster.info.update.interval}. */
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(30);

    /** The space of the file system holding the data path. */
    public record Space(long usableBytes, long totalBytes) {
    }

    /** Where the free space comes from: the data path's file system, or what a test says. */
    @FunctionalInterface
    public interface FreeSpace {
        Space space() throws IOException;
    }

    private static final System.Logger LOG = System.getLogger(DiskWatermark.class.getName());

    private final FreeSpace freeSpace;
    private final long floodStageFreeBytes;
    private final String blockDescription;
    /** The last reading's verdict; false until the first. */
    private volatile boolean exceeded;

    /**
     * @param floodStageFreeBytes writes are refused while fewer bytes than this are free; a negative value means
     *                            Elasticsearch's default ({@code min(5% of the disk, 100 GB)}); 0 turns the check off
     * @param docsLink            the page Elasticsearch's message points to, which differs by version
     */
    public DiskWatermark(FreeSpace freeSpace, long floodStageFreeBytes, String docsLink) {
        this.freeSpace = freeSpace;
        this.floodStageFreeBytes = floodStageFreeBytes;
        this.blockDescription = "TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, index has "
                + "read-only-allow-delete block; for more information, see " + docsLink;
    }

    /** The file system of a directory (its nearest existing parent while it does not exist yet). */
    public static FreeSpace of(Path directory) {
        return () -> {
            Path existing = directory.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            FileStore store = Files.getFileStore(existing == null ? Path.of(".") : existing);
            return new Space(store.getUsableSpace(), store.getTotalSpace());
        };
    }

    /** Whether the last reading of the free space passed the flood stage. */
    public boolean exceeded() {
        return exceeded;
    }

    /**
     * Reads the free space now and keeps the verdict; a file system that cannot be asked does not block. Blocking: off
     * the event loop.
     *
     * @return the new verdict
     */
    public boolean refresh() {
        if (floodStageFreeBytes == 0) {
            return false;
        }
        Space space;
        try {
            space = freeSpace.space();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "disk watermark: cannot read the free space: " + e.getMessage());
            exceeded = false;
            return false;
        }
        long threshold = floodStageFreeBytes > 0 ? floodStageFreeBytes
                : Math.min((long) (space.totalBytes() * DEFAULT_FLOOD_STAGE_FRACTION_FREE), DEFAULT_MAX_HEADROOM_BYTES);
        exceeded = space.usableBytes() < threshold;
        return exceeded;
    }

    /**
     * Reads the free space now, then every interval on the store pool, one reading at a time.
     *
     * @param pool a handle on {@link StorePool}, which the caller closes after cancelling the timer
     * @return the timer, for {@link Vertx#cancelTimer}
     */
    public long watch(Vertx vertx, WorkerExecutor pool, Duration interval) {
        refresh();
        return vertx.setPeriodic(Math.max(1, interval.toMillis()), id -> pool.executeBlocking(this::refresh, true));
    }

    /**
     * {@code ClusterBlockException}'s message for one index: {@code index [<index>] blocked by: [<status>/<id>/<description>];}.
     */
    public EsException blocked(String index) {
        return EsException.of(429, "cluster_block_exception", "index [" + index + "] blocked by: [" + blockDescription
                + "];");
    }

    /** The results store, its writes and job creations refused past the flood stage. */
    public ResultsStore guard(ResultsStore store) {
        return new ResultsStore() {
            @Override
            public Future<SearchPage> search(ResultsQuery query) {
                return store.search(query);
            }

            @Override
            public Future<SearchPage> searchSources(ResultsQuery query) {
                return store.searchSources(query);
            }

            @Override
            public Future<List<WriteOutcome>> write(List<WriteOp> operations, boolean refresh) {
                if (!exceeded()) {
                    return store.write(operations, refresh);
                }
                // The block is read-only-allow-delete: deletes go on; every other item fails on its own index's block,
                // as TransportBulkAction reports it, and the answer keeps the request's order.
                List<WriteOp> deletes = operations.stream().filter(op -> op.kind() == WriteOp.Kind.DELETE).toList();
                Future<List<WriteOutcome>> deleted = deletes.isEmpty() ? Future.succeededFuture(List.of())
                        : store.write(deletes, refresh);
                return deleted.map(outcomes -> {
                    Iterator<WriteOutcome> next = outcomes.iterator();
                    return operations.stream().map(op -> op.kind() == WriteOp.Kind.DELETE ? next.next()
                            : WriteOutcome.failed(op.index(), op.id(), blocked(op.index()))).toList();
                });
            }

            @Override
            public Future<Optional<StoredDocument>> get(String index, String id) {
                return store.get(index, id);
            }

            @Override
            public Future<Optional<Long>> count(String index, Optional<String> jobId) {
                return store.count(index, jobId);
            }

            @Override
            public Future<List<ObjectNode>> jobs() {
                return store.jobs();
            }

            @Override
            public Future<Void> refresh() {
                return store.refresh();
            }

            @Override
            public Future<Optional<ObjectNode>> job(String jobId) {
                return store.job(jobId);
            }

            @Override
            public Future<Boolean> createJob(String jobId, ObjectNode job) {
                // Elasticsearch writes a job's configuration to the .ml-config index.
                return exceeded() ? Future.failedFuture(blocked(".ml-config")) : store.createJob(jobId, job);
            }

            @Override
            public Future<Boolean> deleteJob(String jobId) {
                return store.deleteJob(jobId);
            }

            /** Deleting an index frees space: Elasticsearch allows it under the flood-stage block. */
            @Override
            public Future<Boolean> deleteIndex(String index) {
                return store.deleteIndex(index);
            }

            @Override
            public Future<Void> close() {
                return store.close();
            }
        };
    }

    /** The security store, its writes (users, roles, API keys) refused past the flood stage. */
    public SecurityStore guard(SecurityStore store) {
        return new SecurityStore() {
            @Override
            public Future<Map<String, ObjectNode>> objects(String kind) {
                return store.objects(kind);
            }

            @Override
            public Future<Void> put(String kind, String id, ObjectNode object) {
                // Elasticsearch keeps users, roles and API keys in the .security-7 index.
                return exceeded() ? Future.failedFuture(blocked(".security-7")) : store.put(kind, id, object);
            }

            @Override
            public Future<Boolean> delete(String kind, String id) {
                return exceeded() ? Future.failedFuture(blocked(".security-7")) : store.delete(kind, id);
            }

            @Override
            public Future<Void> close() {
                return store.close();
            }
        };
    }
}
