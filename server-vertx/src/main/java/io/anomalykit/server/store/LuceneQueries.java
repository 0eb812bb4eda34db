package io.anomalykit.server.store;

import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultFilter;
import io.anomalykit.server.query.ResultsQuery;
import io.anomalykit.server.query.SortKey;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSelector;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.search.SortedSetSelector;
import org.apache.lucene.search.SortedSetSortField;
import org.apache.lucene.search.TermQuery;

import java.util.ArrayList;
import java.util.List;

/** A {@link ResultsQuery} as a plain Lucene query and sort over the fields {@link LuceneMapping} indexes. */
final class LuceneQueries {

    private LuceneQueries() {
    }

    /** Every result of a job (and, given, of one type). */
    static BooleanQuery.Builder results(String jobId) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(LuceneFields.KIND, LuceneFields.KIND_RESULT)), Occur.FILTER)
                .add(new TermQuery(new Term(LuceneFields.term("job_id"), jobId)), Occur.FILTER);
    }

    /** The query's filters; a filter this translation does not know fails rather than being ignored. */
    static Query filter(ResultsQuery query) {
        BooleanQuery.Builder bool = results(query.jobId())
                .add(new TermQuery(new Term(LuceneFields.term("result_type"), query.type().value())), Occur.FILTER);
        for (ResultFilter filter : query.filters()) {
            if (filter instanceof ResultFilter.TimeWindow window) {
                if (window.isEmpty()) {
                    return new MatchNoDocsQuery();
                }
                bool.add(LongPoint.newRangeQuery(LuceneFields.point("timestamp"), window.from(), window.to()), Occur.FILTER);
            } else if (filter instanceof ResultFilter.MinimumScore score) {
                bool.add(DoublePoint.newRangeQuery(LuceneFields.point(score.field()), score.minimum(),
                        Double.POSITIVE_INFINITY), Occur.FILTER);
            } else if (filter instanceof ResultFilter.FinalOnly) {
                bool.add(new TermQuery(new Term(LuceneFields.term("is_interim"), "true")), Occur.MUST_NOT);
            } else {
                throw new IllegalArgumentException("the embedded store cannot filter on " + filter);
            }
        }
        return bool.build();
    }

    /** The query's sort, then the indexing sequence as the final tie-break. */
    static Sort sort(ResultsQuery query, LuceneMapping mapping) {
        List<SortField> fields = new ArrayList<>();
        for (SortKey key : query.sort()) {
            fields.add(sortField(key, mapping.kindOf(key.field())));
        }
        fields.add(new SortField(LuceneFields.SEQ, SortField.Type.LONG));
        return new Sort(fields.toArray(SortField[]::new));
    }

    /**
     * Elasticsearch's sort on one field: missing values last in both directions; a multi-valued field sorts by its
     * smallest value ascending and its largest descending. An unmapped field fails as Elasticsearch's search does.
     */
    private static SortField sortField(SortKey key, ResultsMapping.Kind kind) {
        if (kind == null || kind == ResultsMapping.Kind.OBJECT) {
            throw EsException.searchFailure(EsException.of(400, "query_shard_exception",
                    "No mapping found for [" + key.field() + "] in order to sort on")
                    .withIndex(ResultIndices.SHARED));
        }
        boolean desc = key.descending();
        if (kind == ResultsMapping.Kind.KEYWORD) {
            SortedSetSortField field = new SortedSetSortField(LuceneFields.keyword(key.field()), desc,
                    desc ? SortedSetSelector.Type.MAX : SortedSetSelector.Type.MIN);
            // In a reversed sort "first" ends up last.
            field.setMissingValue(desc ? SortField.STRING_FIRST : SortField.STRING_LAST);
            return field;
        }
        SortedNumericSortField field = new SortedNumericSortField(LuceneFields.number(key.field()), SortField.Type.DOUBLE,
                desc, desc ? SortedNumericSelector.Type.MAX : SortedNumericSelector.Type.MIN);
        field.setMissingValue(desc ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
        return field;
    }
}
