package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsQuery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded store: one Lucene index in a directory (Elasticsearch's own engine). Every write request is committed
 * before it is acknowledged, so an acknowledged write survives a crash; searches see what the last refresh published,
 * refreshed on request and on a fixed interval, as in Elasticsearch. Blocking Lucene work runs on Vert.x worker threads.
 *
 * <p>Each result document keeps its source and its rendering, and indexes what filtering and sorting need (the layout
 * is {@link LuceneFields}', the mapping {@link LuceneMapping}'s, the query translation {@link LuceneQueries}'). Ties
 * are broken by a sequence number assigned at indexing and persisted, so order is stable across restarts. Large jobs
 * are answered from in-memory {@link ColumnSearch columns} where they can answer a query exactly.
 */
public final class LuceneResultsStore implements ResultsStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Vertx vertx;
    private final WorkerExecutor pool;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager visible;
    private final SearcherManager lookup;
    /** Null when the store runs on plain Lucene alone. */
    private final ColumnSearch columns;
    private final Map<String, ObjectNode> jobs = new ConcurrentHashMap<>();
    private final LuceneMapping mapping = new LuceneMapping();
    private final AtomicLong nextSeq;
    /**
     * Each index's next {@code _seq_no}, for every index that exists; a new index starts at 0. Changed under the write
     * lock only, read by counts without it.
     */
    private final Map<String, Long> nextSeqNos = new ConcurrentHashMap<>();
    /** Guarded by the write lock. */
    private final VersionLookup versions = new VersionLookup();
    private final Object writeLock = new Object();
    private final SecureRandom random = new SecureRandom();
    private final long refreshTimer;

    private LuceneResultsStore(Vertx vertx, WorkerExecutor pool, Path path, long refreshIntervalMillis, boolean withColumns)
            throws IOException {
        this.vertx = vertx;
        this.pool = pool;
        this.columns = withColumns ? new ColumnSearch(mapping::kindOf) : null;
        Files.createDirectories(path);
        this.directory = FSDirectory.open(path);
        IndexWriterConfig config = new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(64).setCodec(new ResultsCodec());
        this.writer = new IndexWriter(directory, config);
        long seq = 0;
        boolean perIndexIds = false;
        Iterable<Map.Entry<String, String>> commitData = writer.getLiveCommitData();
        if (commitData != null) {
            for (Map.Entry<String, String> entry : commitData) {
                if (entry.getKey().equals(LuceneFields.NEXT_SEQ)) {
                    seq = Long.parseLong(entry.getValue());
                } else if (entry.getKey().startsWith(LuceneFields.NEXT_SEQ_NO_PREFIX)) {
                    nextSeqNos.put(entry.getKey().substring(LuceneFields.NEXT_SEQ_NO_PREFIX.length()),
                            Long.parseLong(entry.getValue()));
                } else if (entry.getKey().equals(LuceneFields.PER_INDEX_IDS)) {
                    perIndexIds = true;
                }
            }
        }
        this.nextSeq = new AtomicLong(seq);
        loadJobsAndMapping();
        if (!perIndexIds) {
            rewriteWithPerIndexIds();
            commit();
        }
        // Opened after any rewrite, so that they see it.
        this.visible = new SearcherManager(writer, new SearcherFactory() {
            @Override
            public IndexSearcher newSearcher(IndexReader reader, IndexReader previous) {
                // Columns of new segments are built before the refresh publishes them, never by a search.
                if (columns != null) {
                    columns.warm(reader);
                }
                return new IndexSearcher(reader);
            }
        });
        this.lookup = new SearcherManager(writer, null);
        this.refreshTimer = vertx.setPeriodic(refreshIntervalMillis, id -> pool.executeBlocking(() -> {
            visible.maybeRefresh();
            return null;
        }, false));
    }

    /** Opens (or creates) the store in a directory; documents become visible on refresh or every interval. */
    public static Future<ResultsStore> open(Vertx vertx, Path path, long refreshIntervalMillis) {
        return open(vertx, path, refreshIntervalMillis, true);
    }

    /**
     * Opens the store with or without its in-memory columns. Without them every search is a plain Lucene search:
     * the same answers, slower on large jobs; kept for comparison in tests and benchmarks.
     */
    public static Future<ResultsStore> open(Vertx vertx, Path path, long refreshIntervalMillis, boolean withColumns) {
        WorkerExecutor pool = StorePool.join(vertx);
        return pool.<ResultsStore>executeBlocking(() -> new LuceneResultsStore(vertx, pool, path, refreshIntervalMillis,
                        withColumns))
                .recover(failure -> pool.close().transform(ignored -> Future.failedFuture(failure)));
    }

    private void loadJobsAndMapping() throws IOException {
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            IndexSearcher searcher = new IndexSearcher(reader);
            TopDocs jobDocs = searcher.search(new TermQuery(new Term(LuceneFields.KIND, LuceneFields.KIND_JOB)),
                    Integer.MAX_VALUE);
            StoredFields stored = searcher.storedFields();
            for (ScoreDoc hit : jobDocs.scoreDocs) {
                Document doc = stored.document(hit.doc);
                jobs.put(doc.get(LuceneFields.JOB_KEY),
                        (ObjectNode) JSON.readTree(doc.getBinaryValue(LuceneFields.SOURCE).bytes));
            }
            mapping.learn(reader);
        }
    }

    /**
     * Rewrites the results of a store written when ids and sequence numbers were global (ids were unique over all
     * indices then, so each result keeps its identity): each gets its {@code _uid}, an indexed {@code _index}, and a
     * {@code _seq_no} equal to the sequence number it was answered with, so versions and {@code if_seq_no} tokens
     * clients hold stay valid. Each index's sequence numbers then continue from the old global counter. Results
     * indexed before sources and renderings moved to doc values get those too, so every reader can rely on them.
     */
    private void rewriteWithPerIndexIds() throws IOException {
        Set<String> indices = new HashSet<>();
        try (DirectoryReader reader = DirectoryReader.open(writer)) {
            for (LeafReaderContext leaf : reader.leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                StoredFields stored = leaf.reader().storedFields();
                NumericDocValues seqs = DocValues.getNumeric(leaf.reader(), LuceneFields.SEQ);
                BinaryDocValues sources = DocValues.getBinary(leaf.reader(), LuceneFields.SOURCE_BYTES);
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live != null && !live.get(doc)) {
                        continue;
                    }
                    Document fields = stored.document(doc);
                    String index = fields.get(LuceneFields.INDEX);
                    if (index == null) {
                        // A job.
                        continue;
                    }
                    String id = fields.get(LuceneFields.ID);
                    long version = fields.getField(LuceneFields.VERSION).numericValue().longValue();
                    long seq = seqs.advanceExact(doc) ? seqs.longValue() : nextSeq.getAndIncrement();
                    byte[] json = sources.advanceExact(doc) ? copy(sources.binaryValue())
                            : copy(fields.getBinaryValue(LuceneFields.SOURCE));
                    ObjectNode source = (ObjectNode) JSON.readTree(json);
                    writer.updateDocument(new Term(LuceneFields.ID, id),
                            mapping.toDocument(id, index, version, seq, seq, source, json, render(source)));
                    indices.add(index);
                }
            }
        }
        for (String index : indices) {
            nextSeqNos.put(index, nextSeq.get());
        }
    }

    @Override
    public Future<SearchPage> search(ResultsQuery query) {
        return search(query, LuceneFields.RENDERED);
    }

    @Override
    public Future<SearchPage> searchSources(ResultsQuery query) {
        return search(query, LuceneFields.SOURCE_BYTES);
    }

    /** @param hits which binary doc values make the page: the renderings, or the sources */
    private Future<SearchPage> search(ResultsQuery query, String hits) {
        return pool.executeBlocking(() -> {
            // Built first even when the columns answer: an unmapped sort field fails here, as in Elasticsearch.
            Sort sort = LuceneQueries.sort(query, mapping);
            IndexSearcher searcher = visible.acquire();
            try {
                ColumnSearch.Ranking ranking = columns == null ? null : columns.rank(searcher.getIndexReader(), query);
                if (ranking != null) {
                    return page(searcher, ranking.total(), ranking.docs(), hits);
                }
                Query filter = LuceneQueries.filter(query);
                int window = query.from() + query.size();
                if (window == 0) {
                    return new SearchPage(searcher.count(filter), List.of());
                }
                TopFieldDocs top = searcher.search(filter, new TopFieldCollectorManager(sort, window, null, Integer.MAX_VALUE));
                int[] page = new int[Math.max(0, top.scoreDocs.length - query.from())];
                for (int rank = 0; rank < page.length; rank++) {
                    page[rank] = top.scoreDocs[query.from() + rank].doc;
                }
                return page(searcher, top.totalHits.value, page, hits);
            } finally {
                visible.release(searcher);
            }
        }, false);
    }

    /** Reads a page's hits in doc-id order (doc values iterate forwards), then puts them back in rank order. */
    private static SearchPage page(IndexSearcher searcher, long total, int[] page, String hits) throws IOException {
        Integer[] byDocId = new Integer[page.length];
        for (int i = 0; i < page.length; i++) {
            byDocId[i] = i;
        }
        Arrays.sort(byDocId, (a, b) -> Integer.compare(page[a], page[b]));
        byte[][] read = new byte[page.length][];
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = null;
        BinaryDocValues values = null;
        for (Integer rank : byDocId) {
            int doc = page[rank];
            if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                values = DocValues.getBinary(leaf.reader(), hits);
            }
            if (!values.advanceExact(doc - leaf.docBase)) {
                throw new IllegalStateException("result without " + hits);
            }
            read[rank] = copy(values.binaryValue());
        }
        return new SearchPage(total, Arrays.asList(read));
    }

    private static byte[] copy(BytesRef bytes) {
        return Arrays.copyOfRange(bytes.bytes, bytes.offset, bytes.offset + bytes.length);
    }

    /** The rendering of a record or influencer; other result types are never answered, so they render to nothing. */
    private static byte[] render(ObjectNode source) {
        JsonNode type = source.get("result_type");
        for (ResultType candidate : ResultType.values()) {
            if (type != null && candidate.value().equals(type.asText())) {
                return ResultRenderer.renderJson(candidate, source);
            }
        }
        return new byte[0];
    }

    @Override
    public Future<List<WriteOutcome>> write(List<WriteOp> operations, boolean refresh) {
        return pool.executeBlocking(() -> {
            List<WriteOutcome> outcomes = new ArrayList<>(operations.size());
            synchronized (writeLock) {
                if (versions.full()) {
                    reopenLookup();
                }
                IndexSearcher searcher = lookup.acquire();
                try {
                    for (WriteOp op : operations) {
                        outcomes.add(apply(op, searcher.getIndexReader()));
                    }
                } finally {
                    lookup.release(searcher);
                }
                commit();
            }
            if (refresh) {
                visible.maybeRefreshBlocking();
            }
            return outcomes;
        }, false);
    }

    @Override
    public Future<Optional<StoredDocument>> get(String index, String id) {
        return pool.executeBlocking(() -> {
            synchronized (writeLock) {
                // Realtime, as Elasticsearch's get: the lookup reader is made to see every acknowledged write.
                reopenLookup();
                IndexSearcher searcher = lookup.acquire();
                try {
                    TopDocs hits = searcher.search(new TermQuery(new Term(LuceneFields.UID, LuceneFields.uid(index, id))), 1);
                    if (hits.scoreDocs.length == 0) {
                        return Optional.<StoredDocument>empty();
                    }
                    int doc = hits.scoreDocs[0].doc;
                    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
                    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                    int local = doc - leaf.docBase;
                    BinaryDocValues sources = DocValues.getBinary(leaf.reader(), LuceneFields.SOURCE_BYTES);
                    NumericDocValues versions = DocValues.getNumeric(leaf.reader(), LuceneFields.VERSION);
                    NumericDocValues seqNos = DocValues.getNumeric(leaf.reader(), LuceneFields.SEQ_NO);
                    if (!sources.advanceExact(local) || !versions.advanceExact(local) || !seqNos.advanceExact(local)) {
                        throw new IllegalStateException("result without its source, version or sequence number");
                    }
                    return Optional.of(new StoredDocument(index, id, versions.longValue(), seqNos.longValue(),
                            copy(sources.binaryValue())));
                } finally {
                    lookup.release(searcher);
                }
            }
        }, false);
    }

    /** Makes the lookup reader see every write so far; the caller holds the write lock. */
    private void reopenLookup() throws IOException {
        lookup.maybeRefreshBlocking();
        versions.reopened();
    }

    /**
     * One write as Elasticsearch's engine plans it on the primary ({@code InternalEngine.planIndexingAsPrimary},
     * {@code planDeletionAsPrimary}): the conditions are checked against the current document first, and only a write
     * that goes ahead (a delete of a missing document included) takes a sequence number.
     */
    private WriteOutcome apply(WriteOp op, IndexReader reader) throws IOException {
        String id = op.id() != null ? op.id() : generateId();
        String uid = LuceneFields.uid(op.index(), id);
        // A generated id is new by construction: no need to look it up.
        VersionLookup.Current current = op.id() == null ? VersionLookup.Current.ABSENT : versions.current(reader, uid);
        WriteCondition condition = op.condition();
        EsException conflict = condition.conflict(op.index(), id, current.version(), current.seqNo());
        if (conflict == null && op.kind() == WriteOp.Kind.CREATE && current.exists()) {
            conflict = WriteCondition.conflict(op.index(), "[" + id + "]: version conflict, document already exists "
                    + "(current version [" + current.version() + "])");
        }
        if (conflict != null) {
            return WriteOutcome.failed(op.index(), id, conflict);
        }
        long version = condition.nextVersion(current.version());
        Term uidTerm = new Term(LuceneFields.UID, uid);
        long seqNo = nextSeqNos.getOrDefault(op.index(), 0L);
        if (op.kind() == WriteOp.Kind.DELETE) {
            nextSeqNos.put(op.index(), seqNo + 1);
            if (!current.exists()) {
                return new WriteOutcome(op.index(), id, version, "not_found", 404, seqNo, null);
            }
            writer.deleteDocuments(uidTerm);
            versions.deleted(uid);
            return new WriteOutcome(op.index(), id, version, "deleted", 200, seqNo, null);
        }
        long seq = nextSeq.get();
        Document doc;
        try {
            doc = mapping.toDocument(id, op.index(), version, seq, seqNo, op.source(), op.json(), render(op.source()));
        } catch (EsException invalid) {
            return WriteOutcome.failed(op.index(), id, invalid);
        }
        nextSeq.incrementAndGet();
        nextSeqNos.put(op.index(), seqNo + 1);
        writer.updateDocument(uidTerm, doc);
        versions.wrote(uid, version, seqNo);
        return !current.exists() ? new WriteOutcome(op.index(), id, version, "created", 201, seqNo, null)
                : new WriteOutcome(op.index(), id, version, "updated", 200, seqNo, null);
    }

    private String generateId() {
        byte[] bytes = new byte[15];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void commit() throws IOException {
        Map<String, String> data = new HashMap<>();
        data.put(LuceneFields.NEXT_SEQ, Long.toString(nextSeq.get()));
        data.put(LuceneFields.PER_INDEX_IDS, "true");
        nextSeqNos.forEach((index, seqNo) -> data.put(LuceneFields.NEXT_SEQ_NO_PREFIX + index, Long.toString(seqNo)));
        writer.setLiveCommitData(data.entrySet());
        writer.commit();
    }

    @Override
    public Future<Void> refresh() {
        return pool.executeBlocking(() -> {
            visible.maybeRefreshBlocking();
            return null;
        }, false);
    }

    @Override
    public Future<Optional<Long>> count(String index, Optional<String> jobId) {
        return pool.executeBlocking(() -> {
            if (!nextSeqNos.containsKey(index)) {
                return Optional.<Long>empty();
            }
            BooleanQuery.Builder query = jobId.map(LuceneQueries::results).orElseGet(BooleanQuery.Builder::new)
                    .add(inIndex(index), BooleanClause.Occur.FILTER);
            IndexSearcher searcher = visible.acquire();
            try {
                return Optional.of((long) searcher.count(query.build()));
            } finally {
                visible.release(searcher);
            }
        }, false);
    }

    /** The documents of one index: their identities begin with it. */
    private static Query inIndex(String index) {
        return new PrefixQuery(new Term(LuceneFields.UID, LuceneFields.uid(index, "")));
    }

    @Override
    public Future<Optional<ObjectNode>> job(String jobId) {
        ObjectNode job = jobs.get(jobId);
        return Future.succeededFuture(Optional.ofNullable(job == null ? null : job.deepCopy()));
    }

    @Override
    public Future<List<ObjectNode>> jobs() {
        return Future.succeededFuture(new java.util.TreeMap<>(jobs).values().stream().map(ObjectNode::deepCopy).toList());
    }

    @Override
    public Future<Boolean> createJob(String jobId, ObjectNode job) {
        return pool.executeBlocking(() -> {
            synchronized (writeLock) {
                if (jobs.containsKey(jobId)) {
                    return false;
                }
                Document doc = new Document();
                doc.add(new StringField(LuceneFields.KIND, LuceneFields.KIND_JOB, Field.Store.NO));
                doc.add(new StringField(LuceneFields.JOB_KEY, jobId, Field.Store.YES));
                doc.add(new StoredField(LuceneFields.SOURCE, JSON.writeValueAsBytes(job)));
                writer.updateDocument(new Term(LuceneFields.JOB_KEY, jobId), doc);
                commit();
                jobs.put(jobId, job.deepCopy());
                return true;
            }
        }, false);
    }

    /**
     * Deletes the index's documents and forgets its sequence numbers: a document written to an index of that name
     * afterwards starts again at {@code _seq_no} 0 and version 1, as in a new index. An index exists here once a write
     * has taken one of its sequence numbers.
     */
    @Override
    public Future<Boolean> deleteIndex(String index) {
        return pool.executeBlocking(() -> {
            boolean existed;
            synchronized (writeLock) {
                existed = nextSeqNos.remove(index) != null;
                if (existed) {
                    writer.deleteDocuments(inIndex(index));
                    commit();
                    // Versions remembered for the deleted documents are stale now.
                    reopenLookup();
                }
            }
            visible.maybeRefreshBlocking();
            return existed;
        }, false);
    }

    @Override
    public Future<Boolean> deleteJob(String jobId) {
        return pool.executeBlocking(() -> {
            synchronized (writeLock) {
                if (!jobs.containsKey(jobId)) {
                    return false;
                }
                writer.deleteDocuments(new Term(LuceneFields.JOB_KEY, jobId));
                writer.deleteDocuments(LuceneQueries.results(jobId).build());
                commit();
                // Versions remembered for the deleted results are stale now.
                reopenLookup();
                jobs.remove(jobId);
            }
            visible.maybeRefreshBlocking();
            return true;
        }, false);
    }

    @Override
    public Future<Void> close() {
        vertx.cancelTimer(refreshTimer);
        return pool.<Void>executeBlocking(() -> {
            synchronized (writeLock) {
                try {
                    visible.close();
                    lookup.close();
                    commit();
                    writer.close();
                    directory.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return null;
        }, false).eventually(pool::close);
    }
}
