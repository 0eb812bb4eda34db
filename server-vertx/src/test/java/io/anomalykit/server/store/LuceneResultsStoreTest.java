package io.anomalykit.server.store;

import io.anomalykit.server.query.ResultFilter;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsQuery;
import io.anomalykit.server.query.SortKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded Lucene store passes the store contract and refreshes on its own interval. Its columns answer only the
 * queries they can answer exactly: a filter they do not hold, such as one added to {@link ResultsQuery} after them,
 * sends the query to Lucene instead of being silently dropped.
 */
class LuceneResultsStoreTest extends ResultsStoreContract {

    /** Long enough that only explicit refreshes publish documents during a contract test. */
    private static final long REFRESH_INTERVAL_MILLIS = 3_600_000;

    @Override
    protected Future<ResultsStore> open(Vertx vertx, Path location) {
        return LuceneResultsStore.open(vertx, location, REFRESH_INTERVAL_MILLIS);
    }

    @Test
    void writesBecomeVisibleWithinTheRefreshIntervalWithoutARefresh() throws Exception {
        ResultsStore quick = await(LuceneResultsStore.open(vertx, location.resolve("quick"), 100));
        try {
            await(quick.write(List.of(new WriteOp(WriteOp.Kind.INDEX, ".ml-anomalies-shared", "soon", record("soon", 1, 1))),
                    false));
            long deadline = System.nanoTime() + 10_000_000_000L;
            long total = 0;
            while (total == 0 && System.nanoTime() < deadline) {
                total = await(quick.search(byScore(ResultType.RECORD, true))).total();
            }
            assertThat(total).as("visible within 10 s at a 100 ms refresh interval").isEqualTo(1);
        } finally {
            await(quick.close());
        }
    }

    /** A filter the store has never heard of, standing for one added later. */
    private record OnlyDetector(int index) implements ResultFilter {
    }

    @Test
    void theColumnsDeclineAQueryWithAFilterTheyDoNotHold() {
        ResultsQuery byScore = query(ResultType.RECORD, 1L, 1_000L, 10, true,
                List.of(new SortKey("record_score", true)), 0, 10);
        assertThat(ColumnSearch.canAnswer(byScore)).as("window, threshold and interim are columns").isTrue();

        List<ResultFilter> filters = new ArrayList<>(byScore.filters());
        filters.add(new OnlyDetector(1));
        ResultsQuery withNewFilter = new ResultsQuery(JOB, ResultType.RECORD, filters, byScore.sort(), 0, 10);
        assertThat(ColumnSearch.canAnswer(withNewFilter)).isFalse();
    }

    @Test
    void aQueryTheColumnsDeclineReachesLucene() {
        index(record("a", 10, 50), record("b", 20, 60));
        ResultsQuery plain = byScore(ResultType.RECORD, true);
        assertThat(ids(plain)).containsExactly("b", "a");

        ResultsQuery withNewFilter = new ResultsQuery(JOB, ResultType.RECORD, List.of(new OnlyDetector(1)), plain.sort(),
                0, 10);
        // Lucene's translation does not know the filter either, and says so: nothing answers as if it were absent.
        assertThatThrownBy(() -> ids(withNewFilter)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("OnlyDetector");
    }

    /**
     * A store written when ids and sequence numbers were global (no {@code _uid}, {@code _seq} answered as
     * {@code _seq_no}, no layout mark in the commit) opens: its results keep their versions and the sequence numbers
     * clients were given, and each index's sequence numbers continue past them.
     */
    @Test
    void aStoreWrittenWithGlobalIdsOpensAndKeepsItsDocuments() throws Exception {
        await(store.close());
        store = null;
        Path old = location.resolve("global-ids");
        try (FSDirectory directory = FSDirectory.open(old);
             IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig().setCodec(new ResultsCodec()))) {
            writer.addDocument(globalIdResult(".ml-anomalies-shared", "old-shared", 3, 0, record("old-shared", 1, 10)));
            writer.addDocument(globalIdResult(".ml-anomalies-custom-old", "old-custom", 1, 1, record("old-custom", 2, 20)));
            writer.setLiveCommitData(Map.of("next_seq", "2").entrySet());
            writer.commit();
        }
        store = await(open(vertx, old));
        StoredDocument shared = await(store.get(".ml-anomalies-shared", "old-shared")).orElseThrow();
        assertThat(shared.version()).isEqualTo(3);
        assertThat(shared.seqNo()).isZero();
        assertThat(await(store.get(".ml-anomalies-custom-old", "old-custom")).orElseThrow().seqNo()).isEqualTo(1);
        assertThat(ids(byScore(ResultType.RECORD, true))).containsExactly("old-custom", "old-shared");

        WriteOutcome replaced = index(record("old-shared", 1, 11)).get(0);
        assertThat(replaced.result()).isEqualTo("updated");
        assertThat(replaced.version()).isEqualTo(4);
        assertThat(replaced.seqNo()).as("after every sequence number given before").isEqualTo(2);
        WriteOutcome elsewhere = await(store.write(List.of(new WriteOp(WriteOp.Kind.INDEX, ".ml-anomalies-custom-old",
                "old-shared", record("other", 3, 1))), true)).get(0);
        assertThat(elsewhere.result()).as("the same id in another index").isEqualTo("created");
        assertThat(ids(byScore(ResultType.RECORD, true))).containsExactly("old-custom", "old-shared", "other");
    }

    /** A result as the store laid it out before ids were per index. */
    private static Document globalIdResult(String index, String id, long version, long seq,
                                           com.fasterxml.jackson.databind.node.ObjectNode source) {
        Document doc = new Document();
        doc.add(new StringField("_kind", "result", Field.Store.NO));
        doc.add(new StringField("_id", id, Field.Store.YES));
        doc.add(new StoredField("_index", index));
        doc.add(new StoredField("_version", version));
        doc.add(new NumericDocValuesField("_version", version));
        doc.add(new NumericDocValuesField("_seq", seq));
        doc.add(new BinaryDocValuesField("_source_bytes", new BytesRef(source.toString().getBytes(StandardCharsets.UTF_8))));
        doc.add(new BinaryDocValuesField("_rendered", new BytesRef(ResultRenderer.renderJson(ResultType.RECORD, source))));
        return doc;
    }
}
