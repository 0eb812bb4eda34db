package io.anomalykit.server.store;

import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The current version of a document, as Elasticsearch's version map answers it, per index (the same id in two indices
 * is two documents): documents written since the lookup reader was last reopened are remembered in memory, older ones
 * are found through the reader's {@code _uid} terms and the {@code _version} and {@code _seq_no} doc values. Reopening the reader for every bulk request would flush a tiny segment each time;
 * instead the reader is reopened when the memory grows past a bound. Used under the store's write lock only.
 */
final class VersionLookup {

    /** Not indexed (or deleted). */
    static final long NONE = -1;
    /** A live document's version and the sequence number of its last write. */
    record Current(long version, long seqNo) {
        static final Current ABSENT = new Current(NONE, NONE);

        boolean exists() {
            return version >= 0;
        }
    }
    private static final int MAX_REMEMBERED = 200_000;

    private final Map<String, Current> sinceReopen = new HashMap<>();
    private IndexReader reader;
    private TermsEnum[] terms;
    private PostingsEnum postings;

    /** Whether the lookup reader should be reopened (after which {@link #reopened} must be called). */
    boolean full() {
        return sinceReopen.size() >= MAX_REMEMBERED;
    }

    /** The reader now sees every write made so far. */
    void reopened() {
        sinceReopen.clear();
    }

    /** @param uid the document's {@link LuceneFields#uid} */
    void wrote(String uid, long version, long seqNo) {
        sinceReopen.put(uid, version < 0 ? Current.ABSENT : new Current(version, seqNo));
    }

    void deleted(String uid) {
        sinceReopen.put(uid, Current.ABSENT);
    }

    Current current(IndexReader current, String uid) throws IOException {
        Current remembered = sinceReopen.get(uid);
        if (remembered != null) {
            return remembered;
        }
        List<LeafReaderContext> leaves = current.leaves();
        if (current != reader) {
            reader = current;
            terms = new TermsEnum[leaves.size()];
        }
        BytesRef term = new BytesRef(uid);
        // Newest segments last: a replaced document is live only in the segment that holds its latest version.
        for (int i = leaves.size() - 1; i >= 0; i--) {
            LeafReaderContext leaf = leaves.get(i);
            if (terms[i] == null) {
                Terms idTerms = leaf.reader().terms(LuceneFields.UID);
                terms[i] = idTerms == null ? TermsEnum.EMPTY : idTerms.iterator();
            }
            if (!terms[i].seekExact(term)) {
                continue;
            }
            postings = terms[i].postings(postings, PostingsEnum.NONE);
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                if (live == null || live.get(doc)) {
                    return new Current(numeric(leaf, doc, LuceneFields.VERSION), numeric(leaf, doc, LuceneFields.SEQ_NO));
                }
            }
        }
        return Current.ABSENT;
    }

    private static long numeric(LeafReaderContext leaf, int doc, String field) throws IOException {
        NumericDocValues values = DocValues.getNumeric(leaf.reader(), field);
        return values.advanceExact(doc) ? values.longValue() : NONE;
    }
}
