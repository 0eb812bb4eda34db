package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.query.ResultsQuery;
import io.anomalykit.server.query.ResultsRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The in-memory columns change speed, never answers: a generated dataset with score ties, shared timestamps, interim
 * results, missing values, renormalised (re-indexed) and deleted results over many segments is searched with the
 * columns and then, over the same directory, with plain Lucene; totals and pages must be identical, order included.
 */
class ColumnEquivalenceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long SEED = 20261123L;
    private static final long FIRST_BUCKET = 1_454_943_600_000L;
    private static final long BUCKET_SPAN = 300_000L;
    private static final int BUCKETS = 400;
    private static final String[] JOBS = {"big-job", "small-job", "odd-job"};
    private static final String[] SORTS = {"timestamp", "probability", "by_field_value", "actual", "initial_record_score"};

    @TempDir
    Path location;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() {
        await(vertx.close());
    }

    @Test
    void columnsAnswerExactlyAsPlainLucene() throws IOException {
        Random random = new Random(SEED);
        List<ResultsQuery> queries = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            queries.add(randomQuery(random));
        }
        ResultsStore accelerated = await(LuceneResultsStore.open(vertx, location, 3_600_000, true));
        List<String> withColumns;
        try {
            load(accelerated, new Random(SEED));
            withColumns = answers(accelerated, queries);
        } finally {
            await(accelerated.close());
        }
        ResultsStore plain = await(LuceneResultsStore.open(vertx, location, 3_600_000, false));
        try {
            List<String> withLucene = answers(plain, queries);
            for (int i = 0; i < queries.size(); i++) {
                assertThat(withColumns.get(i)).as("query %s", queries.get(i)).isEqualTo(withLucene.get(i));
            }
        } finally {
            await(plain.close());
        }
        long nonEmpty = withColumns.stream().filter(answer -> !answer.startsWith("0 ")).count();
        assertThat(nonEmpty).as("queries that matched something").isGreaterThan(750);
        assertColumnsAnsweredTheRegularJobs(queries);
    }

    /** Guards the comparison above: it only means something if the columns, not Lucene, answered most queries. */
    private void assertColumnsAnsweredTheRegularJobs(List<ResultsQuery> queries) throws IOException {
        ColumnSearch columns = new ColumnSearch(field -> field.equals("by_field_value") || field.equals("function")
                || field.equals("field_name") || field.startsWith("over_") || field.startsWith("partition_")
                ? ResultsMapping.Kind.KEYWORD : ResultsMapping.Kind.NUMBER);
        int answered = 0;
        try (Directory directory = FSDirectory.open(location); DirectoryReader reader = DirectoryReader.open(directory)) {
            assertThat(reader.leaves()).as("segments").hasSizeGreaterThan(3);
            for (ResultsQuery query : queries) {
                ColumnSearch.Ranking ranking = columns.rank(reader, query);
                if (query.jobId().equals("odd-job") && query.type() == ResultType.RECORD) {
                    assertThat(ranking).as("a job with a multi-valued timestamp is left to Lucene").isNull();
                } else if (ranking != null) {
                    answered++;
                }
            }
        }
        assertThat(answered).as("queries the columns answered").isGreaterThan(400);
    }

    /** One total and the ids of a page, as text, for every query. */
    private static List<String> answers(ResultsStore store, List<ResultsQuery> queries) {
        List<String> answers = new ArrayList<>();
        for (ResultsQuery query : queries) {
            SearchPage page = await(store.searchSources(query));
            answers.add(page.total() + " " + page.documents().stream().map(d -> d.get("id").asText()).toList());
        }
        return answers;
    }

    private static void load(ResultsStore store, Random random) {
        List<String> ids = new ArrayList<>();
        List<WriteOp> batch = new ArrayList<>();
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            for (String job : JOBS) {
                int perBucket = job.equals("big-job") ? 12 : 2;
                for (int i = 0; i < perBucket; i++) {
                    String id = job + "_" + bucket + "_" + i;
                    ids.add(id);
                    ResultType type = random.nextInt(6) == 0 ? ResultType.INFLUENCER : ResultType.RECORD;
                    batch.add(new WriteOp(WriteOp.Kind.INDEX, ".ml-anomalies-shared", id,
                            result(random, id, job, type, FIRST_BUCKET + bucket * BUCKET_SPAN)));
                }
            }
            if (bucket == BUCKETS / 2) {
                // Halfway, renormalisation rewrites scores of results already stored and some are deleted: the
                // segments written so far have deletions, those written afterwards have none.
                for (int i = 0; i < ids.size() / 10; i++) {
                    String id = ids.get(random.nextInt(ids.size()));
                    String job = id.substring(0, id.indexOf('_'));
                    long stored = Long.parseLong(id.split("_")[1]);
                    batch.add(new WriteOp(WriteOp.Kind.INDEX, ".ml-anomalies-shared", id,
                            result(random, id, job, ResultType.RECORD, FIRST_BUCKET + stored * BUCKET_SPAN)));
                }
                for (int i = 0; i < ids.size() / 50; i++) {
                    batch.add(new WriteOp(WriteOp.Kind.DELETE, ".ml-anomalies-shared", ids.get(random.nextInt(ids.size())),
                            null));
                }
            }
            if (batch.size() >= 300) {
                // Small refreshed batches leave many segments behind, as a live job does.
                await(store.write(batch, random.nextBoolean()));
                batch = new ArrayList<>();
            }
        }
        // A result under two timestamps sends its whole job back to Lucene.
        ObjectNode odd = result(random, "odd-job_multi", "odd-job", ResultType.RECORD, FIRST_BUCKET);
        odd.putArray("timestamp").add(FIRST_BUCKET).add(FIRST_BUCKET + BUCKET_SPAN);
        batch.add(new WriteOp(WriteOp.Kind.INDEX, ".ml-anomalies-shared", "odd-job_multi", odd));
        await(store.write(batch, true));
    }

    /** A result with coarse values, so that ties are common at every sort level. */
    private static ObjectNode result(Random random, String id, String job, ResultType type, long timestamp) {
        ObjectNode doc = JSON.createObjectNode().put("id", id).put("job_id", job).put("result_type", type.value())
                .put("timestamp", timestamp).put("bucket_span", 300);
        if (random.nextInt(20) != 0) {
            doc.put("is_interim", random.nextInt(10) == 0);
        }
        if (random.nextInt(15) != 0) {
            doc.put("probability", random.nextInt(50) / 1000.0);
        }
        double score = random.nextInt(20) * 5.0;
        if (type == ResultType.RECORD) {
            if (random.nextInt(25) != 0) {
                doc.put("record_score", score).put("initial_record_score", random.nextInt(3) * 10.0);
            }
            if (random.nextInt(4) != 0) {
                doc.put("by_field_value", "host-" + random.nextInt(4));
            }
            doc.put("function", random.nextBoolean() ? "mean" : "count").put("field_name", "bytes");
            if (random.nextInt(3) == 0) {
                doc.putArray("actual").add(random.nextInt(5)).add(random.nextInt(5));
            }
        } else {
            doc.put("influencer_score", score).put("influencer_field_name", "host")
                    .put("influencer_field_value", "host-" + random.nextInt(4));
        }
        return doc;
    }

    private static ResultsQuery randomQuery(Random random) {
        ResultType type = random.nextInt(3) == 0 ? ResultType.INFLUENCER : ResultType.RECORD;
        String job = JOBS[random.nextInt(JOBS.length)];
        String start = random.nextBoolean() ? null : Long.toString(FIRST_BUCKET + random.nextInt(BUCKETS) * BUCKET_SPAN);
        String end = random.nextBoolean() ? null
                : Long.toString(FIRST_BUCKET + random.nextInt(BUCKETS) * BUCKET_SPAN + random.nextInt(2));
        String sort = random.nextBoolean() ? SORTS[random.nextInt(SORTS.length)] : type.scoreField();
        if (type == ResultType.INFLUENCER && !sort.equals("timestamp") && !sort.equals("probability")) {
            sort = type.scoreField();
        }
        int from = random.nextInt(4) == 0 ? random.nextInt(300) : 0;
        int size = switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> 1 + random.nextInt(3);
            case 2 -> 1000;
            default -> 1 + random.nextInt(120);
        };
        double threshold = random.nextBoolean() ? 0 : random.nextInt(20) * 5.0;
        return new ResultsRequest(job, type, start, end, random.nextBoolean(), from, size, threshold, sort,
                random.nextInt(4) != 0).resolve(0);
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
