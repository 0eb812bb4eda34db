package io.anomalykit.benchmarks;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Synthetic results shaped like a real ML deployment (the shape of shared/reference/storage-notes.md): 50 jobs whose
 * sizes follow Zipf's law (the largest holds about 22%), 85% records and 15% influencers, 2% interim, about 25 fields
 * per record with arrays, nested influencers and dynamic keys, written bucket after bucket as ML writes them, with
 * ML's document ids. Deterministic for a seed.
 */
final class ResultsGenerator {

    static final int JOBS = 50;
    static final long FIRST_BUCKET = 1_700_000_100_000L;
    static final long BUCKET_SPAN_MILLIS = 900_000L;
    /** One year of 15-minute buckets. */
    static final int BUCKETS = 35_040;

    private static final String[] AIRLINES = {"AAL", "ACA", "AMX", "ASA", "AWE", "BAW", "DAL", "EGF", "FFT", "JAL",
        "JBU", "JZA", "KLM", "NKS", "SWA", "SWR", "TRS", "UAL", "VRD"};
    private static final String[] FUNCTIONS = {"high_mean", "low_mean", "mean", "high_count", "sum", "rare"};

    private final long total;
    private final double[] shares = new double[JOBS];
    private final SplittableRandom random;

    ResultsGenerator(long total, long seed) {
        this.total = total;
        this.random = new SplittableRandom(seed);
        double harmonic = 0;
        for (int rank = 1; rank <= JOBS; rank++) {
            harmonic += 1.0 / rank;
        }
        for (int rank = 1; rank <= JOBS; rank++) {
            shares[rank - 1] = 1.0 / rank / harmonic;
        }
    }

    static String jobId(int index) {
        return String.format(Locale.ROOT, "job-%02d", index);
    }

    /** The job with the most results. */
    static String largestJob() {
        return jobId(0);
    }

    /**
     * Writes all results as {@code _bulk} bodies of about {@code batchSize} documents each into {@code index}, in time
     * order per job.
     * @return the number of documents written
     */
    long writeBulkBodies(int batchSize, String index, Consumer<byte[]> body) {
        StringBuilder out = new StringBuilder(batchSize * 1100);
        double[] owed = new double[JOBS];
        int[] sequence = new int[JOBS];
        long written = 0;
        int inBatch = 0;
        for (int bucket = 0; bucket < BUCKETS && written < total; bucket++) {
            long timestamp = FIRST_BUCKET + bucket * BUCKET_SPAN_MILLIS;
            for (int job = 0; job < JOBS; job++) {
                owed[job] += shares[job] * total / BUCKETS;
                while (owed[job] >= 1 && written < total) {
                    owed[job] -= 1;
                    appendResult(out, index, job, timestamp, sequence[job]++);
                    written++;
                    if (++inBatch == batchSize) {
                        body.accept(out.toString().getBytes(StandardCharsets.UTF_8));
                        out.setLength(0);
                        inBatch = 0;
                    }
                }
            }
        }
        if (inBatch > 0) {
            body.accept(out.toString().getBytes(StandardCharsets.UTF_8));
        }
        return written;
    }

    private void appendResult(StringBuilder out, String index, int job, long timestamp, int sequence) {
        String jobId = jobId(job);
        boolean interim = random.nextInt(50) == 0;
        String airline = AIRLINES[random.nextInt(AIRLINES.length)];
        String host = "host-" + random.nextInt(40);
        // Scores are mostly low, as after normalisation: about 2.6% reach 90, 16% reach 50.
        double score = round(100 * Math.pow(random.nextDouble(), 4));
        double probability = Math.pow(10, -1 - 6 * random.nextDouble());
        if (random.nextInt(100) < 85) {
            int detector = random.nextInt(4);
            String function = FUNCTIONS[detector];
            double typical = round(100 + 900 * random.nextDouble());
            double actual = round(typical * (0.2 + 3 * random.nextDouble()));
            out.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(jobId).append("_record_")
                    .append(timestamp).append("_900_").append(detector).append('_').append(airline.hashCode() * 31 + host.hashCode())
                    .append('_').append(sequence).append("\"}}\n");
            out.append("{\"job_id\":\"").append(jobId).append("\",\"result_type\":\"record\",\"probability\":")
                    .append(probability).append(",\"multi_bucket_impact\":").append(round(-5 + 10 * random.nextDouble()))
                    .append(",\"record_score\":").append(score).append(",\"initial_record_score\":")
                    .append(round(Math.min(100, score * (0.8 + 0.4 * random.nextDouble()))))
                    .append(",\"bucket_span\":900,\"detector_index\":").append(detector).append(",\"is_interim\":")
                    .append(interim).append(",\"timestamp\":").append(timestamp).append(",\"function\":\"").append(function)
                    .append("\",\"function_description\":\"").append(function.replace("high_", "").replace("low_", ""))
                    .append("\",\"typical\":[").append(typical).append("],\"actual\":[").append(actual)
                    .append("],\"field_name\":\"responsetime\",\"partition_field_name\":\"airline\",\"partition_field_value\":\"")
                    .append(airline).append("\",\"by_field_name\":\"host\",\"by_field_value\":\"").append(host)
                    .append("\",\"influencers\":[{\"influencer_field_name\":\"airline\",\"influencer_field_values\":[\"")
                    .append(airline).append("\"]},{\"influencer_field_name\":\"host\",\"influencer_field_values\":[\"")
                    .append(host).append("\"]}],\"airline\":[\"").append(airline).append("\"],\"host\":[\"").append(host)
                    .append("\"],\"anomaly_score_explanation\":{\"anomaly_type\":\"spike\",\"anomaly_length\":1,")
                    .append("\"single_bucket_impact\":").append(random.nextInt(100))
                    .append(",\"anomaly_characteristics_impact\":").append(random.nextInt(10))
                    .append(",\"lower_confidence_bound\":").append(round(typical * 0.8))
                    .append(",\"typical_value\":").append(typical)
                    .append(",\"upper_confidence_bound\":").append(round(typical * 1.2)).append("}}\n");
        } else {
            out.append("{\"index\":{\"_index\":\"").append(index).append("\",\"_id\":\"").append(jobId).append("_influencer_")
                    .append(timestamp).append("_900_airline_").append(airline.hashCode()).append('_').append(sequence)
                    .append("\"}}\n");
            out.append("{\"job_id\":\"").append(jobId).append("\",\"result_type\":\"influencer\",")
                    .append("\"influencer_field_name\":\"airline\",\"influencer_field_value\":\"").append(airline)
                    .append("\",\"airline\":\"").append(airline).append("\",\"influencer_score\":").append(score)
                    .append(",\"initial_influencer_score\":").append(score).append(",\"probability\":").append(probability)
                    .append(",\"bucket_span\":900,\"is_interim\":").append(interim).append(",\"timestamp\":")
                    .append(timestamp).append("}\n");
        }
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}
