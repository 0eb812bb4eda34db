package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsQuery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
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
    private static final Set<String> SOURCE_ONLY = Set.of(LuceneFields.SOURCE);

    private final Vertx vertx;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager visible;
    private final SearcherManager lookup;
    /** Null when the store runs on plain Lucene alone. */
    private final ColumnSearch columns;
    private final Map<String, ObjectNode> jobs = new ConcurrentHashMap<>();
    private final LuceneMapping mapping = new LuceneMapping();
    private final AtomicLong nextSeq;
    /** Guarded by the write lock. */
    private final VersionLookup versions = new VersionLookup();
    private final Object writeLock = new Object();
    private final SecureRandom random = new SecureRandom();
    private final long refreshTimer;

    private LuceneResultsStore(Vertx vertx, Path path, long refreshIntervalMillis, boolean withColumns) throws IOException {
        this.vertx = vertx;
        this.columns = withColumns ? new ColumnSearch(mapping::kindOf) : null;
        Files.createDirectories(path);
        this.directory = FSDirectory.open(path);
        IndexWriterConfig config = new IndexWriterConfig().setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(64).setCodec(new ResultsCodec());
        this.writer = new IndexWriter(directory, config);
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
        long seq = 0;
        Iterable<Map.Entry<String, String>> commitData = writer.getLiveCommitData();
        if (commitData != null) {
            for (Map.Entry<String, String> entry : commitData) {
                if (entry.getKey().equals(LuceneFields.NEXT_SEQ)) {
                    seq = Long.parseLong(entry.getValue());
                }
            }
        }
        this.nextSeq = new AtomicLong(seq);
        loadJobsAndMapping();
        this.refreshTimer = vertx.setPeriodic(refreshIntervalMillis, id -> vertx.executeBlocking(() -> {
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
        return vertx.executeBlocking(() -> new LuceneResultsStore(vertx, path, refreshIntervalMillis, withColumns));
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
        return vertx.executeBlocking(() -> {
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
            int local = doc - leaf.docBase;
            if (values.advanceExact(local)) {
                read[rank] = copy(values.binaryValue());
            } else {
                // Indexed before sources and renderings moved to doc values.
                byte[] source = copy(leaf.reader().storedFields().document(local, SOURCE_ONLY)
                        .getBinaryValue(LuceneFields.SOURCE));
                read[rank] = hits.equals(LuceneFields.SOURCE_BYTES) ? source : render((ObjectNode) JSON.readTree(source));
            }
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
        return vertx.executeBlocking(() -> {
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
        return vertx.executeBlocking(() -> {
            synchronized (writeLock) {
                // Realtime, as Elasticsearch's get: the lookup reader is made to see every acknowledged write.
                reopenLookup();
                IndexSearcher searcher = lookup.acquire();
                try {
                    Query byId = new org.apache.lucene.search.BooleanQuery.Builder()
                            .add(new TermQuery(new Term(LuceneFields.ID, id)), org.apache.lucene.search.BooleanClause.Occur.FILTER)
                            .add(new TermQuery(new Term(LuceneFields.KIND, LuceneFields.KIND_RESULT)),
                                    org.apache.lucene.search.BooleanClause.Occur.FILTER)
                            .build();
                    TopDocs hits = searcher.search(byId, 1);
                    if (hits.scoreDocs.length == 0) {
                        return Optional.<StoredDocument>empty();
                    }
                    int doc = hits.scoreDocs[0].doc;
                    List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
                    LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                    int local = doc - leaf.docBase;
                    Document stored = leaf.reader().storedFields().document(local);
                    if (!index.equals(stored.get(LuceneFields.INDEX))) {
                        return Optional.<StoredDocument>empty();
                    }
                    BinaryDocValues sources = DocValues.getBinary(leaf.reader(), LuceneFields.SOURCE_BYTES);
                    byte[] source = sources.advanceExact(local) ? copy(sources.binaryValue())
                            : copy(stored.getBinaryValue(LuceneFields.SOURCE));
                    org.apache.lucene.index.NumericDocValues seqs = DocValues.getNumeric(leaf.reader(), LuceneFields.SEQ);
                    long seq = seqs.advanceExact(local) ? seqs.longValue() : -1;
                    long version = stored.getField(LuceneFields.VERSION).numericValue().longValue();
                    return Optional.of(new StoredDocument(index, id, version, seq, source));
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
        // A generated id is new by construction: no need to look it up.
        VersionLookup.Current current = op.id() == null ? VersionLookup.Current.ABSENT : versions.current(reader, id);
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
        Term idTerm = new Term(LuceneFields.ID, id);
        if (op.kind() == WriteOp.Kind.DELETE) {
            long seq = nextSeq.getAndIncrement();
            if (!current.exists()) {
                return new WriteOutcome(op.index(), id, version, "not_found", 404, seq, null);
            }
            writer.deleteDocuments(idTerm);
            versions.deleted(id);
            return new WriteOutcome(op.index(), id, version, "deleted", 200, seq, null);
        }
        long seq = nextSeq.get();
        Document doc;
        try {
            doc = mapping.toDocument(id, op.index(), version, seq, op.source(), op.json(), render(op.source()));
        } catch (EsException invalid) {
            return WriteOutcome.failed(op.index(), id, invalid);
        }
        nextSeq.incrementAndGet();
        writer.updateDocument(idTerm, doc);
        versions.wrote(id, version, seq);
        return !current.exists() ? new WriteOutcome(op.index(), id, version, "created", 201, seq, null)
                : new WriteOutcome(op.index(), id, version, "updated", 200, seq, null);
    }

    private String generateId() {
        byte[] bytes = new byte[15];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void commit() throws IOException {
        writer.setLiveCommitData(Map.of(LuceneFields.NEXT_SEQ, Long.toString(nextSeq.get())).entrySet());
        writer.commit();
    }

    @Override
    public Future<Void> refresh() {
        return vertx.executeBlocking(() -> {
            visible.maybeRefreshBlocking();
            return null;
        }, false);
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
        return vertx.executeBlocking(() -> {
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

    @Override
    public Future<Boolean> deleteIndex(String index) {
        return vertx.executeBlocking(() -> {
            boolean held;
            synchronized (writeLock) {
                reopenLookup();
                List<String> ids = idsIn(index);
                for (String id : ids) {
                    writer.deleteDocuments(new Term(LuceneFields.ID, id));
                    versions.deleted(id);
                }
                held = !ids.isEmpty();
                if (held) {
                    commit();
                    // A new document with one of these ids starts again at version 1, as in a new index.
                    reopenLookup();
                }
            }
            visible.maybeRefreshBlocking();
            return held;
        }, false);
    }

    /**
     * The ids of an index's documents, read from the stored fields of every result: the index is stored, not indexed
     * (ids are unique across indices here), and deleting an index is rare enough to afford the scan.
     */
    private List<String> idsIn(String index) throws IOException {
        List<String> ids = new ArrayList<>();
        IndexSearcher searcher = lookup.acquire();
        try {
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                StoredFields stored = leaf.reader().storedFields();
                Bits live = leaf.reader().getLiveDocs();
                for (int doc = 0; doc < leaf.reader().maxDoc(); doc++) {
                    if (live != null && !live.get(doc)) {
                        continue;
                    }
                    // Only results have an index: jobs never match.
                    Document fields = stored.document(doc, Set.of(LuceneFields.ID, LuceneFields.INDEX));
                    if (index.equals(fields.get(LuceneFields.INDEX))) {
                        ids.add(fields.get(LuceneFields.ID));
                    }
                }
            }
        } finally {
            lookup.release(searcher);
        }
        return ids;
    }

    @Override
    public Future<Boolean> deleteJob(String jobId) {
        return vertx.executeBlocking(() -> {
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
        return vertx.executeBlocking(() -> {
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
        }, false);
    }
}
