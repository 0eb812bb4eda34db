package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.Dates;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsQuery;
import io.anomalykit.server.query.SortKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherFactory;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.search.SortedSetSelector;
import org.apache.lucene.search.SortedSetSortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopFieldCollectorManager;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;

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
import java.util.TreeMap;

/**
 * The embedded store: one Lucene index in a directory (Elasticsearch's own engine). Every write request is committed
 * before it is acknowledged, so an acknowledged write survives a crash; searches see what the last refresh published,
 * refreshed on request and on a fixed interval, as in Elasticsearch. Blocking Lucene work runs on Vert.x worker threads.
 *
 * <p>Each result document keeps its source and indexes, per top-level field, what filtering and sorting need: points for
 * the time window and score threshold, doc values for sorting ({@code n.<field>} numeric, {@code k.<field>} keyword).
 * Ties are broken by a sequence number assigned at indexing and persisted, so order is stable across restarts.
 */
public final class LuceneResultsStore implements ResultsStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KIND = "_kind";
    private static final String KIND_RESULT = "result";
    private static final String KIND_JOB = "job";
    static final String ID = "_id";
    private static final String JOB_KEY = "_jobid";
    private static final String SOURCE = "_source";
    static final String VERSION = "_version";
    static final String SEQ = "_seq";
    private static final String NEXT_SEQ = "next_seq";
    private static final String SECURITY_KIND = "security:";
    private static final String SECURITY_KEY = "_security_key";
    private static final String SECURITY_ID = "_security_id";
    private static final int MAX_KEYWORD_BYTES = 8191;
    private static final Set<String> SOURCE_ONLY = Set.of(SOURCE);
    /**
     * A result's source, as uncompressed binary doc values: a page scattered over a large job reads each source with
     * one copy, where compressed stored fields decompress a block per document.
     */
    private static final String SOURCE_BYTES = "_source_bytes";
    /** A result rendered as Elasticsearch answers it, made once at indexing. */
    private static final String RENDERED = "_rendered";

    private final Vertx vertx;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager visible;
    private final SearcherManager lookup;
    /** Null when the store runs on plain Lucene alone. */
    private final ColumnSearch columns;
    private final Map<String, ObjectNode> jobs = new ConcurrentHashMap<>();
    /** Dynamic fields seen so far and how they were first mapped. */
    private final Map<String, ResultsMapping.Kind> dynamicMapping = new ConcurrentHashMap<>();
    private final AtomicLong nextSeq;
    /** Guarded by the write lock. */
    private final VersionLookup versions = new VersionLookup();
    private final Object writeLock = new Object();
    private final SecureRandom random = new SecureRandom();
    private final long refreshTimer;

    private LuceneResultsStore(Vertx vertx, Path path, long refreshIntervalMillis, boolean withColumns) throws IOException {
        this.vertx = vertx;
        this.columns = withColumns ? new ColumnSearch(this::kindOf) : null;
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
                if (entry.getKey().equals(NEXT_SEQ)) {
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
            TopDocs jobDocs = searcher.search(new TermQuery(new Term(KIND, KIND_JOB)), Integer.MAX_VALUE);
            StoredFields stored = searcher.storedFields();
            for (ScoreDoc hit : jobDocs.scoreDocs) {
                Document doc = stored.document(hit.doc);
                jobs.put(doc.get(JOB_KEY), (ObjectNode) JSON.readTree(doc.getBinaryValue(SOURCE).bytes));
            }
            for (FieldInfo info : FieldInfos.getMergedFieldInfos(reader)) {
                String name = info.name;
                if (name.startsWith("k.")) {
                    dynamicMapping.putIfAbsent(name.substring(2), ResultsMapping.Kind.KEYWORD);
                } else if (name.startsWith("n.")) {
                    dynamicMapping.putIfAbsent(name.substring(2), ResultsMapping.Kind.NUMBER);
                }
            }
        }
    }

    @Override
    public Future<SearchPage> search(ResultsQuery query) {
        return vertx.executeBlocking(() -> {
            // Built first even when the columns answer: an unmapped sort field fails here, as in Elasticsearch.
            Sort sort = sortOf(query);
            IndexSearcher searcher = visible.acquire();
            try {
                ColumnSearch.Ranking ranking = columns == null ? null : columns.rank(searcher.getIndexReader(), query);
                if (ranking != null) {
                    return page(searcher, ranking.total(), ranking.docs());
                }
                Query filter = filterOf(query);
                int window = query.from() + query.size();
                if (window == 0) {
                    return new SearchPage(searcher.count(filter), List.of(), List.of());
                }
                TopFieldDocs top = searcher.search(filter, new TopFieldCollectorManager(sort, window, null, Integer.MAX_VALUE));
                int[] page = new int[Math.max(0, top.scoreDocs.length - query.from())];
                for (int rank = 0; rank < page.length; rank++) {
                    page[rank] = top.scoreDocs[query.from() + rank].doc;
                }
                return page(searcher, top.totalHits.value, page);
            } finally {
                visible.release(searcher);
            }
        }, false);
    }

    /**
     * Reads the sources and renderings of a page in doc-id order (doc values iterate forwards), then puts them back in
     * rank order.
     */
    private static SearchPage page(IndexSearcher searcher, long total, int[] page) throws IOException {
        Integer[] byDocId = new Integer[page.length];
        for (int i = 0; i < page.length; i++) {
            byDocId[i] = i;
        }
        Arrays.sort(byDocId, (a, b) -> Integer.compare(page[a], page[b]));
        byte[][] sources = new byte[page.length][];
        byte[][] rendered = new byte[page.length][];
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = null;
        BinaryDocValues sourceValues = null;
        BinaryDocValues renderedValues = null;
        for (Integer rank : byDocId) {
            int doc = page[rank];
            if (leaf == null || doc >= leaf.docBase + leaf.reader().maxDoc()) {
                leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
                sourceValues = DocValues.getBinary(leaf.reader(), SOURCE_BYTES);
                renderedValues = DocValues.getBinary(leaf.reader(), RENDERED);
            }
            int local = doc - leaf.docBase;
            if (sourceValues.advanceExact(local) && renderedValues.advanceExact(local)) {
                sources[rank] = copy(sourceValues.binaryValue());
                rendered[rank] = copy(renderedValues.binaryValue());
            } else {
                // Indexed before sources and renderings moved to doc values.
                sources[rank] = copy(leaf.reader().storedFields().document(local, SOURCE_ONLY).getBinaryValue(SOURCE));
                rendered[rank] = render((ObjectNode) JSON.readTree(sources[rank]));
            }
        }
        return new SearchPage(total, Arrays.asList(sources), Arrays.asList(rendered));
    }

    private static byte[] copy(BytesRef bytes) {
        return Arrays.copyOfRange(bytes.bytes, bytes.offset, bytes.offset + bytes.length);
    }

    /** The rendering of a record or influencer; other result types are never answered, so they render to nothing. */
    private static byte[] render(ObjectNode source) throws IOException {
        JsonNode type = source.get("result_type");
        for (ResultType candidate : ResultType.values()) {
            if (type != null && candidate.value().equals(type.asText())) {
                return ResultRenderer.renderJson(candidate, source);
            }
        }
        return new byte[0];
    }

    private static Query filterOf(ResultsQuery query) {
        BooleanQuery.Builder bool = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(KIND, KIND_RESULT)), Occur.FILTER)
                .add(new TermQuery(new Term("job_id", query.jobId())), Occur.FILTER)
                .add(new TermQuery(new Term("result_type", query.type().value())), Occur.FILTER);
        if (query.startMillis() != null || query.endMillis() != null) {
            long lower = query.startMillis() == null ? Long.MIN_VALUE : query.startMillis();
            Long end = query.endMillis();
            if (end != null && end == Long.MIN_VALUE) {
                return new MatchNoDocsQuery();
            }
            // end is exclusive in Elasticsearch; Lucene's range is inclusive.
            long upper = end == null ? Long.MAX_VALUE : end - 1;
            bool.add(LongPoint.newRangeQuery("p.timestamp", lower, upper), Occur.FILTER);
        }
        if (query.hasScoreThreshold()) {
            bool.add(DoublePoint.newRangeQuery("p." + query.type().scoreField(), query.scoreThreshold(),
                    Double.POSITIVE_INFINITY), Occur.FILTER);
        }
        if (query.excludeInterim()) {
            bool.add(new TermQuery(new Term("is_interim", "true")), Occur.MUST_NOT);
        }
        return bool.build();
    }

    private Sort sortOf(ResultsQuery query) {
        List<SortField> fields = new ArrayList<>();
        for (SortKey key : query.sort()) {
            fields.add(sortFieldOf(key));
        }
        fields.add(new SortField(SEQ, SortField.Type.LONG));
        return new Sort(fields.toArray(SortField[]::new));
    }

    /**
     * Elasticsearch's sort on one field: missing values last in both directions; a multi-valued field sorts by its
     * smallest value ascending and its largest descending.
     */
    private SortField sortFieldOf(SortKey key) {
        ResultsMapping.Kind kind = kindOf(key.field());
        if (kind == null || kind == ResultsMapping.Kind.OBJECT) {
            throw EsException.searchFailure(EsException.of(400, "query_shard_exception",
                    "No mapping found for [" + key.field() + "] in order to sort on")
                    .withMetadata("index", ".ml-anomalies-shared"));
        }
        boolean desc = key.descending();
        if (kind == ResultsMapping.Kind.KEYWORD) {
            SortedSetSortField field = new SortedSetSortField("k." + key.field(), desc,
                    desc ? SortedSetSelector.Type.MAX : SortedSetSelector.Type.MIN);
            // In a reversed sort "first" ends up last.
            field.setMissingValue(desc ? SortField.STRING_FIRST : SortField.STRING_LAST);
            return field;
        }
        SortedNumericSortField field = new SortedNumericSortField("n." + key.field(), SortField.Type.DOUBLE, desc,
                desc ? SortedNumericSelector.Type.MAX : SortedNumericSelector.Type.MIN);
        field.setMissingValue(desc ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        return field;
    }

    private ResultsMapping.Kind kindOf(String field) {
        ResultsMapping.Kind known = ResultsMapping.knownKind(field);
        return known != null ? known : dynamicMapping.get(field);
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

    /** Makes the lookup reader see every write so far; the caller holds the write lock. */
    private void reopenLookup() throws IOException {
        lookup.maybeRefreshBlocking();
        versions.reopened();
    }

    private WriteOutcome apply(WriteOp op, IndexReader reader) throws IOException {
        String id = op.id() != null ? op.id() : generateId();
        // A generated id is new by construction: no need to look it up.
        long current = op.id() == null ? -1
                : versions.version(reader, id);
        long seq = nextSeq.getAndIncrement();
        Term idTerm = new Term(ID, id);
        switch (op.kind()) {
            case DELETE -> {
                if (current < 0) {
                    return new WriteOutcome(op.index(), id, 1, "not_found", 404, seq, null);
                }
                writer.deleteDocuments(idTerm);
                versions.wrote(id, VersionLookup.NONE);
                return new WriteOutcome(op.index(), id, current + 1, "deleted", 200, seq, null);
            }
            case CREATE -> {
                if (current >= 0) {
                    return WriteOutcome.failed(op.index(), id, EsException.of(409, "version_conflict_engine_exception",
                            "[" + id + "]: version conflict, document already exists (current version [" + current + "])")
                            .withMetadata("index", op.index()));
                }
            }
            case INDEX -> {
                // nothing to check: index creates or replaces
            }
        }
        long version = current < 0 ? 1 : current + 1;
        Document doc;
        try {
            doc = toLucene(id, op.index(), version, seq, op.source(), op.json());
        } catch (EsException invalid) {
            return WriteOutcome.failed(op.index(), id, invalid);
        }
        writer.updateDocument(idTerm, doc);
        versions.wrote(id, version);
        return current < 0 ? new WriteOutcome(op.index(), id, version, "created", 201, seq, null)
                : new WriteOutcome(op.index(), id, version, "updated", 200, seq, null);
    }

    private String generateId() {
        byte[] bytes = new byte[15];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Indexes a result document the way the results mapping would, or fails as a mapping failure would. */
    private Document toLucene(String id, String index, long version, long seq, ObjectNode source, byte[] json)
            throws IOException {
        Document doc = new Document();
        doc.add(new StringField(KIND, KIND_RESULT, Field.Store.NO));
        doc.add(new StringField(ID, id, Field.Store.YES));
        doc.add(new StoredField("_index", index));
        doc.add(new StoredField(VERSION, version));
        doc.add(new NumericDocValuesField(VERSION, version));
        doc.add(new NumericDocValuesField(SEQ, seq));
        doc.add(new BinaryDocValuesField(SOURCE_BYTES, new BytesRef(json)));
        doc.add(new BinaryDocValuesField(RENDERED, new BytesRef(render(source))));
        for (Map.Entry<String, JsonNode> entry : source.properties()) {
            String field = entry.getKey();
            JsonNode value = entry.getValue();
            List<JsonNode> values = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(values::add);
            } else {
                values.add(value);
            }
            ResultsMapping.Kind kind = kindOf(field);
            for (JsonNode single : values) {
                if (single.isNull()) {
                    continue;
                }
                if (single.isContainerNode()) {
                    if (kind != null && kind != ResultsMapping.Kind.OBJECT) {
                        throw mappingFailure(field, kind, id, single);
                    }
                    continue;
                }
                if (kind == null) {
                    kind = single.isNumber() ? ResultsMapping.Kind.NUMBER
                            : single.isBoolean() ? ResultsMapping.Kind.BOOLEAN : ResultsMapping.Kind.KEYWORD;
                    dynamicMapping.putIfAbsent(field, kind == ResultsMapping.Kind.BOOLEAN ? ResultsMapping.Kind.NUMBER : kind);
                }
                indexValue(doc, field, kind, single, id);
            }
        }
        return doc;
    }

    private static void indexValue(Document doc, String field, ResultsMapping.Kind kind, JsonNode value, String id) {
        switch (kind) {
            case KEYWORD -> {
                String text = value.asText();
                doc.add(new StringField(field, text, Field.Store.NO));
                if (text.length() <= MAX_KEYWORD_BYTES / 4) {
                    doc.add(new SortedSetDocValuesField("k." + field, new BytesRef(text)));
                }
            }
            case BOOLEAN -> {
                boolean flag;
                if (value.isBoolean()) {
                    flag = value.booleanValue();
                } else if (value.isTextual() && (value.asText().equals("true") || value.asText().equals("false"))) {
                    flag = Boolean.parseBoolean(value.asText());
                } else {
                    throw mappingFailure(field, kind, id, value);
                }
                doc.add(new StringField(field, String.valueOf(flag), Field.Store.NO));
                doc.add(new SortedNumericDocValuesField("n." + field, NumericUtils.doubleToSortableLong(flag ? 1 : 0)));
            }
            case DATE -> {
                Long millis = value.isNumber() ? Long.valueOf(value.longValue())
                        : value.isTextual() ? Dates.parseDate(value.asText()) : null;
                if (millis == null) {
                    throw mappingFailure(field, kind, id, value);
                }
                doc.add(new LongPoint("p." + field, millis));
                doc.add(new SortedNumericDocValuesField("n." + field, NumericUtils.doubleToSortableLong(millis)));
            }
            case NUMBER -> {
                double number;
                if (value.isNumber()) {
                    number = value.doubleValue();
                } else {
                    try {
                        number = Double.parseDouble(value.asText());
                    } catch (NumberFormatException e) {
                        throw mappingFailure(field, kind, id, value);
                    }
                }
                doc.add(new DoublePoint("p." + field, number));
                doc.add(new SortedNumericDocValuesField("n." + field, NumericUtils.doubleToSortableLong(number)));
            }
            case OBJECT -> {
                // objects are kept in the source only
            }
        }
    }

    private static EsException mappingFailure(String field, ResultsMapping.Kind kind, String id, JsonNode value) {
        String type = switch (kind) {
            case NUMBER -> "double";
            case DATE -> "date";
            case BOOLEAN -> "boolean";
            case KEYWORD -> "keyword";
            case OBJECT -> "object";
        };
        String preview = value.isTextual() ? value.asText() : value.toString();
        return EsException.of(400, "document_parsing_exception", "failed to parse field [" + field + "] of type [" + type
                + "] in document with id '" + id + "'. Preview of field's value: '" + preview + "'");
    }

    private void commit() throws IOException {
        writer.setLiveCommitData(Map.of(NEXT_SEQ, Long.toString(nextSeq.get())).entrySet());
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
    public Future<Boolean> createJob(String jobId, ObjectNode job) {
        return vertx.executeBlocking(() -> {
            synchronized (writeLock) {
                if (jobs.containsKey(jobId)) {
                    return false;
                }
                Document doc = new Document();
                doc.add(new StringField(KIND, KIND_JOB, Field.Store.NO));
                doc.add(new StringField(JOB_KEY, jobId, Field.Store.YES));
                doc.add(new StoredField(SOURCE, JSON.writeValueAsBytes(job)));
                writer.updateDocument(new Term(JOB_KEY, jobId), doc);
                commit();
                jobs.put(jobId, job.deepCopy());
                return true;
            }
        }, false);
    }

    @Override
    public Future<Boolean> deleteJob(String jobId) {
        return vertx.executeBlocking(() -> {
            synchronized (writeLock) {
                if (!jobs.containsKey(jobId)) {
                    return false;
                }
                writer.deleteDocuments(new Term(JOB_KEY, jobId));
                writer.deleteDocuments(new BooleanQuery.Builder()
                        .add(new TermQuery(new Term(KIND, KIND_RESULT)), Occur.FILTER)
                        .add(new TermQuery(new Term("job_id", jobId)), Occur.FILTER)
                        .build());
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
    public Future<Map<String, ObjectNode>> securityObjects(String kind) {
        return vertx.executeBlocking(() -> {
            Map<String, ObjectNode> objects = new TreeMap<>();
            try (DirectoryReader reader = DirectoryReader.open(writer)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                StoredFields stored = searcher.storedFields();
                for (ScoreDoc hit : searcher.search(new TermQuery(new Term(KIND, SECURITY_KIND + kind)), Integer.MAX_VALUE)
                        .scoreDocs) {
                    Document doc = stored.document(hit.doc);
                    objects.put(doc.get(SECURITY_ID), (ObjectNode) JSON.readTree(doc.getBinaryValue(SOURCE).bytes));
                }
            }
            return objects;
        }, false);
    }

    @Override
    public Future<Void> putSecurityObject(String kind, String id, ObjectNode object) {
        return vertx.executeBlocking(() -> {
            synchronized (writeLock) {
                Document doc = new Document();
                doc.add(new StringField(KIND, SECURITY_KIND + kind, Field.Store.NO));
                doc.add(new StringField(SECURITY_KEY, kind + "/" + id, Field.Store.NO));
                doc.add(new StoredField(SECURITY_ID, id));
                doc.add(new StoredField(SOURCE, JSON.writeValueAsBytes(object)));
                writer.updateDocument(new Term(SECURITY_KEY, kind + "/" + id), doc);
                commit();
            }
            return null;
        }, false);
    }

    @Override
    public Future<Boolean> deleteSecurityObject(String kind, String id) {
        return vertx.executeBlocking(() -> {
            synchronized (writeLock) {
                Term key = new Term(SECURITY_KEY, kind + "/" + id);
                boolean existed;
                try (DirectoryReader reader = DirectoryReader.open(writer)) {
                    existed = new IndexSearcher(reader).count(new TermQuery(key)) > 0;
                }
                writer.deleteDocuments(key);
                commit();
                return existed;
            }
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
