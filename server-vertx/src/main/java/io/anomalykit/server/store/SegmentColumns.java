package io.anomalykit.server.store;

import io.anomalykit.server.query.ResultType;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.SortedNumericDocValues;
import org.apache.lucene.index.SortedSetDocValues;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IntroSorter;
import org.apache.lucene.util.NumericUtils;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The record and influencer results of one Lucene segment as small primitive columns, one {@link Group} per job and
 * result type: what filtering, counting and the first sort level need, tens of bytes per result instead of the JSON.
 * Built once from the segment's doc values (segments never change; deletions are applied at query time from the
 * reader's live docs), so the columns can never disagree with what Lucene itself would answer.
 */
final class SegmentColumns {

    static final SegmentColumns EMPTY = new SegmentColumns(Map.of());

    /** Stands for a missing score or probability; finite doubles never encode to it. */
    static final long MISSING = Long.MAX_VALUE;

    private static final long INTERIM = NumericUtils.doubleToSortableLong(1);
    /** Beyond this, millis do not survive the trip through a double that the sort doc values take. */
    private static final long EXACT_MILLIS = 1L << 53;

    /**
     * One job's results of one type in one segment, ordered by timestamp. Scores and probabilities are kept in their
     * sortable-long encoding (ordered as the doubles are), {@link #MISSING} when absent. {@code exact} is false when a
     * document here has a shape the columns cannot represent (several values, no timestamp, a non-finite number):
     * such a group is answered by Lucene instead.
     */
    static final class Group {
        final int[] docs;
        final long[] timestamps;
        final long[] scores;
        final long[] probabilities;
        final boolean[] interim;
        final boolean exact;
        private volatile ScoreOrder scoreOrder;

        Group(int[] docs, long[] timestamps, long[] scores, long[] probabilities, boolean[] interim, boolean exact) {
            this.docs = docs;
            this.timestamps = timestamps;
            this.scores = scores;
            this.probabilities = probabilities;
            this.interim = interim;
            this.exact = exact;
        }

        int size() {
            return docs.length;
        }

        /** The first row whose timestamp is at least {@code millis}. */
        int firstAtOrAfter(long millis) {
            int low = 0;
            int high = timestamps.length;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (timestamps[middle] < millis) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return low;
        }

        /** The rows by score, built on first use: most jobs are never searched without a time window. */
        ScoreOrder scoreOrder() {
            ScoreOrder order = scoreOrder;
            if (order == null) {
                order = new ScoreOrder(this);
                scoreOrder = order;
            }
            return order;
        }
    }

    /**
     * A group's rows by score, highest first and missing scores last, with the number of final (not interim) rows
     * among the first {@code i}: counting the results at or above a score is then a binary search.
     */
    static final class ScoreOrder {
        final int[] rows;
        /** The rows with a score come first; these many. */
        final int scored;
        private final int[] finalBefore;
        private final long[] scores;

        ScoreOrder(Group group) {
            int size = group.size();
            long[] byRow = group.scores;
            rows = new int[size];
            long[] ranks = new long[size];
            for (int i = 0; i < size; i++) {
                rows[i] = i;
                ranks[i] = rank(byRow[i]);
            }
            sortByKey(ranks, size, (i, j) -> swapInts(rows, i, j));
            scores = new long[size];
            finalBefore = new int[size + 1];
            int scoredRows = 0;
            for (int i = 0; i < size; i++) {
                scores[i] = byRow[rows[i]];
                finalBefore[i + 1] = finalBefore[i] + (group.interim[rows[i]] ? 0 : 1);
                if (scores[i] != MISSING) {
                    scoredRows++;
                }
            }
            scored = scoredRows;
        }

        /** Highest score first, missing last. */
        private static long rank(long score) {
            return score == MISSING ? Long.MAX_VALUE : ~score;
        }

        /** How many rows have a score at or above {@code minimum} (sortable encoding). */
        int atLeast(long minimum) {
            int low = 0;
            int high = scored;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (scores[middle] >= minimum) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return low;
        }

        /** How many of the first {@code count} rows in this order are final. */
        int finalAmong(int count) {
            return finalBefore[count];
        }
    }

    private final Map<String, Group> groups;

    private SegmentColumns(Map<String, Group> groups) {
        this.groups = groups;
    }

    /** The group of one job and result type, or null if this segment holds none of them. */
    Group group(String jobId, ResultType type) {
        return groups.get(key(jobId, type.value()));
    }

    private static String key(String jobId, String type) {
        return jobId + '\u0000' + type;
    }

    static SegmentColumns build(LeafReader leaf) throws IOException {
        SortedSetDocValues jobs = DocValues.getSortedSet(leaf, LuceneFields.keyword("job_id"));
        SortedSetDocValues types = DocValues.getSortedSet(leaf, LuceneFields.keyword("result_type"));
        long recordOrd = types.lookupTerm(new BytesRef(ResultType.RECORD.value()));
        long influencerOrd = types.lookupTerm(new BytesRef(ResultType.INFLUENCER.value()));
        if (recordOrd < 0 && influencerOrd < 0) {
            return EMPTY;
        }
        Columns columns = new Columns(leaf);
        // By job ordinal, records then influencers.
        Builder[][] builders = new Builder[2][(int) jobs.getValueCount()];
        for (int doc = jobs.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = jobs.nextDoc()) {
            if (!types.advanceExact(doc)) {
                continue;
            }
            if (jobs.docValueCount() == 1 && types.docValueCount() == 1) {
                long type = types.nextOrd();
                int slot = type == recordOrd ? 0 : type == influencerOrd ? 1 : -1;
                if (slot >= 0) {
                    builder(builders, slot, jobs.nextOrd()).add(doc, slot, columns);
                }
                continue;
            }
            // A document under several jobs or types matches each of them: those groups go to Lucene.
            List<Integer> slots = new ArrayList<>();
            for (int i = 0; i < types.docValueCount(); i++) {
                long type = types.nextOrd();
                if (type == recordOrd) {
                    slots.add(0);
                } else if (type == influencerOrd) {
                    slots.add(1);
                }
            }
            for (int i = 0; i < jobs.docValueCount(); i++) {
                long job = jobs.nextOrd();
                for (int slot : slots) {
                    builder(builders, slot, job).exact = false;
                }
            }
        }
        Map<String, Group> groups = new HashMap<>();
        for (int slot = 0; slot < 2; slot++) {
            String type = slot == 0 ? ResultType.RECORD.value() : ResultType.INFLUENCER.value();
            for (int job = 0; job < builders[slot].length; job++) {
                if (builders[slot][job] != null) {
                    groups.put(key(jobs.lookupOrd(job).utf8ToString(), type), builders[slot][job].build());
                }
            }
        }
        return new SegmentColumns(groups);
    }

    private static Builder builder(Builder[][] builders, int slot, long jobOrd) {
        Builder builder = builders[slot][(int) jobOrd];
        if (builder == null) {
            builder = new Builder();
            builders[slot][(int) jobOrd] = builder;
        }
        return builder;
    }

    /** The doc values a group's rows are read from, advanced in doc-id order. */
    private static final class Columns {
        final SortedNumericDocValues timestamps;
        final SortedNumericDocValues[] scores;
        final SortedNumericDocValues probabilities;
        final SortedNumericDocValues interim;

        Columns(LeafReader leaf) throws IOException {
            timestamps = DocValues.getSortedNumeric(leaf, LuceneFields.number("timestamp"));
            scores = new SortedNumericDocValues[] {
                DocValues.getSortedNumeric(leaf, LuceneFields.number(ResultType.RECORD.scoreField())),
                DocValues.getSortedNumeric(leaf, LuceneFields.number(ResultType.INFLUENCER.scoreField()))
            };
            probabilities = DocValues.getSortedNumeric(leaf, LuceneFields.number("probability"));
            interim = DocValues.getSortedNumeric(leaf, LuceneFields.number("is_interim"));
        }
    }

    private static final class Builder {
        int size;
        int[] docs = new int[16];
        long[] timestamps = new long[16];
        long[] scores = new long[16];
        long[] probabilities = new long[16];
        boolean[] interim = new boolean[16];
        boolean exact = true;

        void add(int doc, int slot, Columns columns) throws IOException {
            if (!columns.timestamps.advanceExact(doc) || columns.timestamps.docValueCount() != 1) {
                exact = false;
                return;
            }
            double millis = NumericUtils.sortableLongToDouble(columns.timestamps.nextValue());
            if (Math.abs(millis) > EXACT_MILLIS) {
                exact = false;
                return;
            }
            long score = finiteOrMissing(columns.scores[slot], doc);
            long probability = finiteOrMissing(columns.probabilities, doc);
            Boolean flag = interim(columns.interim, doc);
            if (score == Long.MIN_VALUE || probability == Long.MIN_VALUE || flag == null) {
                exact = false;
                return;
            }
            if (size == docs.length) {
                int capacity = size * 2;
                docs = Arrays.copyOf(docs, capacity);
                timestamps = Arrays.copyOf(timestamps, capacity);
                scores = Arrays.copyOf(scores, capacity);
                probabilities = Arrays.copyOf(probabilities, capacity);
                interim = Arrays.copyOf(interim, capacity);
            }
            docs[size] = doc;
            timestamps[size] = (long) millis;
            scores[size] = score;
            probabilities[size] = probability;
            interim[size] = flag;
            size++;
        }

        /** The single finite value in sortable encoding, {@link #MISSING}, or {@code Long.MIN_VALUE} if not representable. */
        private static long finiteOrMissing(SortedNumericDocValues values, int doc) throws IOException {
            if (!values.advanceExact(doc)) {
                return MISSING;
            }
            if (values.docValueCount() != 1) {
                return Long.MIN_VALUE;
            }
            long encoded = values.nextValue();
            return Double.isFinite(NumericUtils.sortableLongToDouble(encoded)) ? encoded : Long.MIN_VALUE;
        }

        /** Absent means not interim, as the {@code must_not is_interim:true} filter treats it; null if several values. */
        private static Boolean interim(SortedNumericDocValues values, int doc) throws IOException {
            if (!values.advanceExact(doc)) {
                return false;
            }
            return values.docValueCount() == 1 ? values.nextValue() == INTERIM : null;
        }

        Group build() {
            int[] groupDocs = Arrays.copyOf(docs, size);
            long[] groupTimestamps = Arrays.copyOf(timestamps, size);
            long[] groupScores = Arrays.copyOf(scores, size);
            long[] groupProbabilities = Arrays.copyOf(probabilities, size);
            boolean[] groupInterim = Arrays.copyOf(interim, size);
            if (!sorted(groupTimestamps)) {
                sortByKey(groupTimestamps, size, (i, j) -> {
                    swapInts(groupDocs, i, j);
                    swapLongs(groupScores, i, j);
                    swapLongs(groupProbabilities, i, j);
                    boolean flag = groupInterim[i];
                    groupInterim[i] = groupInterim[j];
                    groupInterim[j] = flag;
                });
            }
            return new Group(groupDocs, groupTimestamps, groupScores, groupProbabilities, groupInterim, exact);
        }

        private static boolean sorted(long[] values) {
            for (int i = 1; i < values.length; i++) {
                if (values[i - 1] > values[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Exchanges two positions of the arrays that go along with the keys being sorted. */
    interface Swap {
        void swap(int i, int j);
    }

    /** Sorts {@code keys[0, size)} ascending, making every exchange in the caller's parallel arrays too. */
    static void sortByKey(long[] keys, int size, Swap alongside) {
        new IntroSorter() {
            private long pivot;

            @Override
            protected void setPivot(int i) {
                pivot = keys[i];
            }

            @Override
            protected int comparePivot(int j) {
                return Long.compare(pivot, keys[j]);
            }

            @Override
            protected int compare(int i, int j) {
                return Long.compare(keys[i], keys[j]);
            }

            @Override
            protected void swap(int i, int j) {
                swapLongs(keys, i, j);
                alongside.swap(i, j);
            }
        }.sort(0, size);
    }

    static void swapInts(int[] values, int i, int j) {
        int value = values[i];
        values[i] = values[j];
        values[j] = value;
    }

    static void swapLongs(long[] values, int i, int j) {
        long value = values[i];
        values[i] = values[j];
        values[j] = value;
    }
}
