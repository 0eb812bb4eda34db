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
 * The current version of a document id, as Elasticsearch's version map answers it: ids written since the lookup
 * reader was last reopened are remembered in memory, older ones are found through the reader's {@code _id} terms and
 * the {@code _version} doc values. Reopening the reader for every bulk request would flush a tiny segment each time;
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

    void wrote(String id, long version, long seqNo) {
        sinceReopen.put(id, version < 0 ? Current.ABSENT : new Current(version, seqNo));
    }

    void deleted(String id) {
        sinceReopen.put(id, Current.ABSENT);
    }

    Current current(IndexReader current, String id) throws IOException {
        Current remembered = sinceReopen.get(id);
        if (remembered != null) {
            return remembered;
        }
        List<LeafReaderContext> leaves = current.leaves();
        if (current != reader) {
            reader = current;
            terms = new TermsEnum[leaves.size()];
        }
        BytesRef term = new BytesRef(id);
        // Newest segments last: a replaced document is live only in the segment that holds its latest version.
        for (int i = leaves.size() - 1; i >= 0; i--) {
            LeafReaderContext leaf = leaves.get(i);
            if (terms[i] == null) {
                Terms idTerms = leaf.reader().terms(LuceneFields.ID);
                terms[i] = idTerms == null ? TermsEnum.EMPTY : idTerms.iterator();
            }
            if (!terms[i].seekExact(term)) {
                continue;
            }
            postings = terms[i].postings(postings, PostingsEnum.NONE);
            Bits live = leaf.reader().getLiveDocs();
            for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                if (live == null || live.get(doc)) {
                    return new Current(storedVersion(leaf, doc), storedSeqNo(leaf, doc));
                }
            }
        }
        return Current.ABSENT;
    }

    private static long storedSeqNo(LeafReaderContext leaf, int doc) throws IOException {
        NumericDocValues seqs = DocValues.getNumeric(leaf.reader(), LuceneFields.SEQ);
        return seqs.advanceExact(doc) ? seqs.longValue() : NONE;
    }

    private static long storedVersion(LeafReaderContext leaf, int doc) throws IOException {
        NumericDocValues versions = DocValues.getNumeric(leaf.reader(), LuceneFields.VERSION);
        if (versions.advanceExact(doc)) {
            return versions.longValue();
        }
        // Written before versions had doc values.
        return leaf.reader().storedFields().document(doc).getField(LuceneFields.VERSION).numericValue().longValue();
    }
}
