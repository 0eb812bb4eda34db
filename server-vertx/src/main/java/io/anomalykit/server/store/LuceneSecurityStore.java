package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Security objects in a small Lucene index of their own: one document per object, committed before a write is
 * acknowledged. Reads open a fresh reader, as they are rare (at start and after changes). Blocking Lucene work runs
 * on Vert.x worker threads.
 */
public final class LuceneSecurityStore implements SecurityStore {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The object's {@code kind/id}, unique in the index. */
    private static final String KEY = "_key";

    private final WorkerExecutor pool;
    private final Directory directory;
    private final IndexWriter writer;
    private final Object writeLock = new Object();

    private LuceneSecurityStore(WorkerExecutor pool, Path path) throws IOException {
        this.pool = pool;
        Files.createDirectories(path);
        this.directory = FSDirectory.open(path);
        this.writer = new IndexWriter(directory, new IndexWriterConfig()
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND));
    }

    /** Opens (or creates) the store in a directory; it works on {@link StorePool}. */
    public static Future<SecurityStore> open(Vertx vertx, Path path) {
        WorkerExecutor pool = StorePool.join(vertx);
        return pool.<SecurityStore>executeBlocking(() -> new LuceneSecurityStore(pool, path))
                .recover(failure -> pool.close().transform(ignored -> Future.failedFuture(failure)));
    }

    @Override
    public Future<Map<String, ObjectNode>> objects(String kind) {
        return pool.executeBlocking(() -> {
            Map<String, ObjectNode> objects = new TreeMap<>();
            try (DirectoryReader reader = DirectoryReader.open(writer)) {
                IndexSearcher searcher = new IndexSearcher(reader);
                StoredFields stored = searcher.storedFields();
                for (ScoreDoc hit : searcher.search(new TermQuery(new Term(LuceneFields.KIND, kind)), Integer.MAX_VALUE)
                        .scoreDocs) {
                    Document doc = stored.document(hit.doc);
                    objects.put(doc.get(LuceneFields.ID),
                            (ObjectNode) JSON.readTree(doc.getBinaryValue(LuceneFields.SOURCE).bytes));
                }
            }
            return objects;
        }, false);
    }

    @Override
    public Future<Void> put(String kind, String id, ObjectNode object) {
        return pool.executeBlocking(() -> {
            Document doc = new Document();
            doc.add(new StringField(LuceneFields.KIND, kind, Field.Store.NO));
            doc.add(new StringField(KEY, key(kind, id), Field.Store.NO));
            doc.add(new StoredField(LuceneFields.ID, id));
            doc.add(new StoredField(LuceneFields.SOURCE, JSON.writeValueAsBytes(object)));
            synchronized (writeLock) {
                writer.updateDocument(new Term(KEY, key(kind, id)), doc);
                writer.commit();
            }
            return null;
        }, false);
    }

    @Override
    public Future<Boolean> delete(String kind, String id) {
        return pool.executeBlocking(() -> {
            Term key = new Term(KEY, key(kind, id));
            synchronized (writeLock) {
                boolean existed;
                try (DirectoryReader reader = DirectoryReader.open(writer)) {
                    existed = new IndexSearcher(reader).count(new TermQuery(key)) > 0;
                }
                writer.deleteDocuments(key);
                writer.commit();
                return existed;
            }
        }, false);
    }

    private static String key(String kind, String id) {
        return kind + "/" + id;
    }

    @Override
    public Future<Void> close() {
        return pool.<Void>executeBlocking(() -> {
            synchronized (writeLock) {
                writer.close();
                directory.close();
            }
            return null;
        }, false).eventually(pool::close);
    }
}
