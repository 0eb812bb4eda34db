package io.anomalykit.server.store;

import io.anomalykit.server.query.ResultFilter;
import io.anomalykit.server.query.ResultsQuery;
import io.anomalykit.server.query.SortKey;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Answers a {@link ResultsQuery} from {@link SegmentColumns} when it can do so exactly: the first sort level is a
 * column (timestamp, the type's score, probability) and every group involved is exact. Filtering and counting scan
 * the columns; the page is the top {@code from + size} by the first sort level plus everything tied with the last of
 * them, and ties are then ordered by the remaining levels read from Lucene's doc values, as Lucene's own sort would.
 * Returns null when Lucene must answer instead.
 */
final class ColumnSearch {

    /** The global doc ids of a page in rank order, and the exact number of matches. */
    record Ranking(long total, int[] docs) {
    }

    private final Map<Object, SegmentColumns> bySegment = new ConcurrentHashMap<>();
    private final Function<String, ResultsMapping.Kind> kinds;

    /** @param kinds how each sort field is mapped (only asked for fields that sort already accepted) */
    ColumnSearch(Function<String, ResultsMapping.Kind> kinds) {
        this.kinds = kinds;
    }

    /** Builds the columns of every segment not seen yet, in parallel; they are dropped when the segment closes. */
    void warm(IndexReader reader) {
        reader.leaves().parallelStream().forEach(leaf -> columns(leaf.reader()));
    }

    private SegmentColumns columns(LeafReader leaf) {
        IndexReader.CacheHelper helper = leaf.getCoreCacheHelper();
        if (helper == null) {
            return build(leaf);
        }
        SegmentColumns known = bySegment.get(helper.getKey());
        if (known != null) {
            return known;
        }
        SegmentColumns built = build(leaf);
        if (bySegment.putIfAbsent(helper.getKey(), built) == null) {
            helper.addClosedListener(bySegment::remove);
        }
        return built;
    }

    private static SegmentColumns build(LeafReader leaf) {
        try {
            return SegmentColumns.build(leaf);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One group's rows inside the time window, with the deletions of the searched snapshot. */
    private record Slice(LeafReaderContext leaf, SegmentColumns.Group group, int from, int to, Bits live) {
    }

    /**
     * Whether the columns can answer a query exactly: its first sort level is a column (timestamp, the type's score,
     * probability) and each of its filters is one the columns hold. Anything else, including a filter added to
     * {@link ResultsQuery} later, is left to Lucene.
     */
    static boolean canAnswer(ResultsQuery query) {
        if (query.sort().isEmpty() || !isColumn(query.sort().get(0).field(), query)) {
            return false;
        }
        for (ResultFilter filter : query.filters()) {
            boolean held = filter instanceof ResultFilter.TimeWindow || filter instanceof ResultFilter.FinalOnly
                    || filter instanceof ResultFilter.MinimumScore score && score.field().equals(query.type().scoreField());
            if (!held) {
                return false;
            }
        }
        return true;
    }

    private static boolean isColumn(String field, ResultsQuery query) {
        return field.equals("timestamp") || field.equals(query.type().scoreField()) || field.equals("probability");
    }

    /** The page and total of a query, or null when Lucene must answer instead. */
    Ranking rank(IndexReader reader, ResultsQuery query) throws IOException {
        if (!canAnswer(query)) {
            return null;
        }
        SortKey primary = query.sort().get(0);
        boolean timestampColumn = primary.field().equals("timestamp");
        boolean scoreColumn = primary.field().equals(query.type().scoreField());
        // An empty window (from > to) selects no rows below: no case of its own.
        ResultFilter.TimeWindow timeWindow = query.filter(ResultFilter.TimeWindow.class).orElse(null);
        long lower = timeWindow == null ? Long.MIN_VALUE : timeWindow.from();
        long upper = timeWindow == null ? Long.MAX_VALUE : timeWindow.to();
        List<Slice> slices = new ArrayList<>();
        for (LeafReaderContext leaf : reader.leaves()) {
            SegmentColumns.Group group = columns(leaf.reader()).group(query.jobId(), query.type());
            if (group == null) {
                continue;
            }
            if (!group.exact) {
                return null;
            }
            int from = lower == Long.MIN_VALUE ? 0 : group.firstAtOrAfter(lower);
            int to = upper == Long.MAX_VALUE ? group.size() : group.firstAtOrAfter(upper + 1);
            if (from < to) {
                slices.add(new Slice(leaf, group, from, to, leaf.reader().getLiveDocs()));
            }
        }
        Matcher matcher = new Matcher(query, timestampColumn, scoreColumn, primary.descending());
        int window = query.from() + query.size();
        boolean windowed = timeWindow != null;
        LongMaxHeap best = new LongMaxHeap(window);
        Candidates candidates = new Candidates(slices);
        long total = 0;
        for (int s = 0; s < slices.size(); s++) {
            Slice slice = slices.get(s);
            if (slice.live == null && !windowed && (window == 0 || timestampColumn || scoreColumn)) {
                // A whole group without deletions: count from the score order, walk the page in key order.
                total += matcher.count(slice.group);
                if (window > 0) {
                    matcher.walk(slice.group, s, best, candidates);
                }
            } else {
                total += scan(slice, s, matcher, best, candidates);
            }
        }
        if (window == 0 || query.from() >= total) {
            return new Ranking(total, new int[0]);
        }
        candidates.sortByKey();
        // Keep the page and everything tied with its last row: the remaining sort levels decide between those.
        if (candidates.size > window) {
            long cutoff = candidates.keys[window - 1];
            int keep = window;
            while (keep < candidates.size && candidates.keys[keep] == cutoff) {
                keep++;
            }
            candidates.size = keep;
        }
        int pageEnd = Math.min(window, candidates.size);
        List<SortKey> rest = query.sort().subList(1, query.sort().size());
        for (int start = 0; start < pageEnd; ) {
            int stop = start + 1;
            while (stop < candidates.size && candidates.keys[stop] == candidates.keys[start]) {
                stop++;
            }
            if (stop - start > 1 && stop > query.from()) {
                candidates.orderTies(start, stop, rest, kinds);
            }
            start = stop;
        }
        int[] docs = new int[pageEnd - query.from()];
        for (int rank = query.from(); rank < pageEnd; rank++) {
            docs[rank - query.from()] = candidates.globalDoc(rank);
        }
        return new Ranking(total, docs);
    }

    /**
     * Counts a slice's matches and keeps every match that could reach the page: those whose key was no worse than the
     * worst of the best {@code window} keys seen so far (that bound only improves, so nothing that ends up on the page
     * or tied with its last row is missed).
     */
    private static long scan(Slice slice, int s, Matcher matcher, LongMaxHeap best, Candidates candidates) {
        long matches = 0;
        boolean ranked = best.capacity() > 0;
        for (int row = slice.from; row < slice.to; row++) {
            if (matcher.matches(slice, row)) {
                matches++;
                if (ranked) {
                    long key = matcher.key(slice.group, row);
                    if (!best.full() || key <= best.top()) {
                        candidates.add(key, s, row);
                        best.offer(key);
                    }
                }
            }
        }
        return matches;
    }

    /** The filter and the first sort level over the columns. */
    private static final class Matcher {
        private final boolean excludeInterim;
        private final boolean threshold;
        private final long minimumScore;
        private final boolean timestampColumn;
        private final boolean scoreColumn;
        private final boolean descending;

        Matcher(ResultsQuery query, boolean timestampColumn, boolean scoreColumn, boolean descending) {
            this.excludeInterim = query.filter(ResultFilter.FinalOnly.class).isPresent();
            ResultFilter.MinimumScore score = query.filter(ResultFilter.MinimumScore.class).orElse(null);
            this.threshold = score != null;
            this.minimumScore = score == null ? 0 : NumericUtils.doubleToSortableLong(score.minimum());
            this.timestampColumn = timestampColumn;
            this.scoreColumn = scoreColumn;
            this.descending = descending;
        }

        boolean matches(Slice slice, int row) {
            return (slice.live == null || slice.live.get(slice.group.docs[row])) && passes(slice.group, row);
        }

        /** The filter, for a row known to be live. */
        private boolean passes(SegmentColumns.Group group, int row) {
            if (excludeInterim && group.interim[row]) {
                return false;
            }
            long score = group.scores[row];
            return !threshold || (score != SegmentColumns.MISSING && score >= minimumScore);
        }

        /** The matches of a whole group without deletions. */
        long count(SegmentColumns.Group group) {
            if (!threshold && !excludeInterim) {
                return group.size();
            }
            SegmentColumns.ScoreOrder order = group.scoreOrder();
            int atLeast = threshold ? order.atLeast(minimumScore) : group.size();
            return excludeInterim ? order.finalAmong(atLeast) : atLeast;
        }

        /**
         * Adds a whole group's matches (the group has no deletions) in key order, walking its rows in timestamp or
         * score order, until a key is worse than the worst of the best {@code window} keys seen so far.
         */
        void walk(SegmentColumns.Group group, int s, LongMaxHeap best, Candidates candidates) {
            PageWalk page = new PageWalk(group, s, best, candidates);
            int size = group.size();
            if (timestampColumn) {
                for (int i = 0; i < size; i++) {
                    if (!page.offer(descending ? size - 1 - i : i)) {
                        return;
                    }
                }
                return;
            }
            SegmentColumns.ScoreOrder order = group.scoreOrder();
            int scored = threshold ? order.atLeast(minimumScore) : order.scored;
            // Highest first; ascending walks the scored rows backwards, then (without a threshold) the missing ones.
            int rows = threshold ? scored : size;
            for (int i = 0; i < rows; i++) {
                if (!page.offer(order.rows[descending ? i : i < scored ? scored - 1 - i : i])) {
                    return;
                }
            }
        }

        /** Takes a group's matches in key order while they can still reach the page or tie with its last row. */
        private final class PageWalk {
            private final SegmentColumns.Group group;
            private final int slice;
            private final LongMaxHeap best;
            private final Candidates candidates;

            PageWalk(SegmentColumns.Group group, int slice, LongMaxHeap best, Candidates candidates) {
                this.group = group;
                this.slice = slice;
                this.best = best;
                this.candidates = candidates;
            }

            /** @return false once no later row of the walk can be needed */
            boolean offer(int row) {
                if (!passes(group, row)) {
                    return true;
                }
                long key = key(group, row);
                if (best.full() && key > best.top()) {
                    return false;
                }
                candidates.add(key, slice, row);
                best.offer(key);
                return true;
            }
        }

        /** Smaller keys rank first; a missing value is last in either direction, as in Elasticsearch. */
        long key(SegmentColumns.Group group, int row) {
            long value = timestampColumn ? group.timestamps[row]
                    : scoreColumn ? group.scores[row] : group.probabilities[row];
            if (value == SegmentColumns.MISSING) {
                return Long.MAX_VALUE;
            }
            return descending ? ~value : value;
        }
    }

    /** The {@code capacity} smallest keys seen; the top is the largest of them. */
    private static final class LongMaxHeap {
        private final long[] heap;
        private int size;

        LongMaxHeap(int capacity) {
            heap = new long[capacity];
        }

        void offer(long key) {
            if (size < heap.length) {
                int child = size++;
                while (child > 0 && heap[(child - 1) / 2] < key) {
                    heap[child] = heap[(child - 1) / 2];
                    child = (child - 1) / 2;
                }
                heap[child] = key;
            } else if (size > 0 && key < heap[0]) {
                int parent = 0;
                while (true) {
                    int child = 2 * parent + 1;
                    if (child >= size) {
                        break;
                    }
                    if (child + 1 < size && heap[child + 1] > heap[child]) {
                        child++;
                    }
                    if (heap[child] <= key) {
                        break;
                    }
                    heap[parent] = heap[child];
                    parent = child;
                }
                heap[parent] = key;
            }
        }

        long top() {
            return heap[0];
        }

        boolean full() {
            return size == heap.length;
        }

        int capacity() {
            return heap.length;
        }
    }

    /** The rows that can reach the page: their first-level key, slice and row, sortable together. */
    private static final class Candidates {
        private final List<Slice> slices;
        long[] keys = new long[64];
        int[] sliceOf = new int[64];
        int[] rows = new int[64];
        int size;

        Candidates(List<Slice> slices) {
            this.slices = slices;
        }

        void add(long key, int slice, int row) {
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                sliceOf = Arrays.copyOf(sliceOf, size * 2);
                rows = Arrays.copyOf(rows, size * 2);
            }
            keys[size] = key;
            sliceOf[size] = slice;
            rows[size] = row;
            size++;
        }

        int globalDoc(int index) {
            Slice slice = slices.get(sliceOf[index]);
            return slice.leaf.docBase + slice.group.docs[rows[index]];
        }

        void sortByKey() {
            SegmentColumns.sortByKey(keys, size, (i, j) -> {
                SegmentColumns.swapInts(sliceOf, i, j);
                SegmentColumns.swapInts(rows, i, j);
            });
        }

        /**
         * Orders candidates {@code [start, stop)}, tied on the first level, by the remaining sort levels and then by
         * the indexing sequence, the store's final tie-break. Values are read per segment in doc-id order.
         */
        void orderTies(int start, int stop, List<SortKey> rest, Function<String, ResultsMapping.Kind> kinds)
                throws IOException {
            Integer[] byDoc = new Integer[stop - start];
            for (int i = 0; i < byDoc.length; i++) {
                byDoc[i] = start + i;
            }
            Arrays.sort(byDoc, Comparator.comparingInt(this::globalDoc));
            Object[][] values = new Object[stop - start][];
            LeafReader open = null;
            TieReader reader = null;
            for (int index : byDoc) {
                Slice slice = slices.get(sliceOf[index]);
                if (slice.leaf.reader() != open) {
                    open = slice.leaf.reader();
                    reader = new TieReader(open, rest, kinds);
                }
                values[index - start] = reader.read(slice.group.docs[rows[index]]);
            }
            Integer[] order = new Integer[stop - start];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> TieReader.compare(values[a], values[b], rest));
            long[] sortedKeys = new long[order.length];
            int[] sortedSlices = new int[order.length];
            int[] sortedRows = new int[order.length];
            for (int i = 0; i < order.length; i++) {
                sortedKeys[i] = keys[start + order[i]];
                sortedSlices[i] = sliceOf[start + order[i]];
                sortedRows[i] = rows[start + order[i]];
            }
            System.arraycopy(sortedKeys, 0, keys, start, order.length);
            System.arraycopy(sortedSlices, 0, sliceOf, start, order.length);
            System.arraycopy(sortedRows, 0, rows, start, order.length);
        }
    }

    /**
     * Reads the sort values after the first level from one segment, as Lucene's sort fields see them: a numeric field
     * by its largest value descending and smallest ascending (missing as -∞ / +∞, which the reversal puts last), a
     * keyword likewise (missing last), then the indexing sequence.
     */
    private static final class TieReader {
        private final SortedNumericDocValues[] numbers;
        private final SortedSetDocValues[] keywords;
        private final NumericDocValues sequence;
        private final List<SortKey> levels;

        TieReader(LeafReader leaf, List<SortKey> levels, Function<String, ResultsMapping.Kind> kinds) throws IOException {
            this.levels = levels;
            numbers = new SortedNumericDocValues[levels.size()];
            keywords = new SortedSetDocValues[levels.size()];
            for (int i = 0; i < levels.size(); i++) {
                String field = levels.get(i).field();
                if (kinds.apply(field) == ResultsMapping.Kind.KEYWORD) {
                    keywords[i] = DocValues.getSortedSet(leaf, LuceneFields.keyword(field));
                } else {
                    numbers[i] = DocValues.getSortedNumeric(leaf, LuceneFields.number(field));
                }
            }
            sequence = DocValues.getNumeric(leaf, LuceneFields.SEQ);
        }

        Object[] read(int doc) throws IOException {
            Object[] values = new Object[levels.size() + 1];
            for (int i = 0; i < levels.size(); i++) {
                boolean descending = levels.get(i).descending();
                if (keywords[i] != null) {
                    values[i] = keyword(keywords[i], doc, descending);
                } else {
                    values[i] = number(numbers[i], doc, descending);
                }
            }
            values[levels.size()] = sequence.advanceExact(doc) ? sequence.longValue() : 0L;
            return values;
        }

        private static BytesRef keyword(SortedSetDocValues values, int doc, boolean descending) throws IOException {
            if (!values.advanceExact(doc)) {
                return null;
            }
            long ord = values.nextOrd();
            if (descending) {
                for (int i = 1; i < values.docValueCount(); i++) {
                    ord = values.nextOrd();
                }
            }
            return BytesRef.deepCopyOf(values.lookupOrd(ord));
        }

        private static long number(SortedNumericDocValues values, int doc, boolean descending) throws IOException {
            long encoded;
            if (!values.advanceExact(doc)) {
                encoded = NumericUtils.doubleToSortableLong(descending ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
            } else {
                encoded = values.nextValue();
                if (descending) {
                    for (int i = 1; i < values.docValueCount(); i++) {
                        encoded = values.nextValue();
                    }
                }
            }
            return descending ? ~encoded : encoded;
        }

        static int compare(Object[] a, Object[] b, List<SortKey> levels) {
            for (int i = 0; i < levels.size(); i++) {
                int order;
                if (a[i] instanceof Long first) {
                    order = Long.compare(first, (Long) b[i]);
                } else {
                    BytesRef first = (BytesRef) a[i];
                    BytesRef second = (BytesRef) b[i];
                    if (first == null || second == null) {
                        order = first == second ? 0 : first == null ? 1 : -1;
                    } else {
                        order = levels.get(i).descending() ? second.compareTo(first) : first.compareTo(second);
                    }
                }
                if (order != 0) {
                    return order;
                }
            }
            return Long.compare((Long) a[levels.size()], (Long) b[levels.size()]);
        }
    }
}
