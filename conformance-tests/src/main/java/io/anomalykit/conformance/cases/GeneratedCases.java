package io.anomalykit.conformance.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.conformance.service.Capability;
import io.anomalykit.conformance.service.Dataset;
import io.anomalykit.model.AnomalyRecord;
import io.anomalykit.model.GetInfluencersResponse;
import io.anomalykit.model.GetRecordsResponse;
import io.anomalykit.model.Influencer;
import io.anomalykit.model.json.ModelJson;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Cases made from a seed: a dataset of records and influencers and many queries, each answered by the kit's own oracle
 * from the data it seeded. The documents are the api-model's {@link AnomalyRecord} and {@link Influencer}, and each
 * expected answer is the model's {@link GetRecordsResponse} or {@link GetInfluencersResponse}, so the kit seeds and
 * expects exactly what the contract describes. The oracle applies Elasticsearch's rules independently of any server:
 * {@code [start, end)}, an inclusive threshold applied above 0, interim exclusion (no flag means final), any sort field
 * with missing values last, multi-valued fields by max descending and min ascending, and the records' tie-breakers.
 * Scores are unique, so every order is fully determined. The same seed gives the same cases.
 */
final class GeneratedCases {

    static final String JOB = "conformance-generated";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How the models are written: the spec's order, unset properties left out (see {@link ModelJson}). */
    private static final ObjectMapper MODELS = ModelJson.newMapper();
    private static final long BASE = 1_500_000_000_000L;
    private static final long STEP = 60_000;
    /** Elasticsearch's secondary sorts of records, after the requested one. */
    /** Elasticsearch's secondary sorts of records, as the contract lists them. */
    private static final List<String> RECORD_TIE_BREAKERS = tieBreakers("RecordsSort");
    private static final List<String> SERVICES = List.of("api", "auth", "billing", "search", "web");
    /** The job's by field, whose values the records carry. */
    private static final String BY_FIELD = "service";
    /** The job's one influencer field; an influencer result also carries it as a dynamic key. */
    private static final String INFLUENCER_FIELD = "host";

    private final List<AnomalyRecord> records = new ArrayList<>();
    private final List<Influencer> influencers = new ArrayList<>();
    private final Dataset dataset;
    private final List<Case> cases;

    private GeneratedCases(long seed, int documentCount, int queryCount) {
        Random random = new Random(seed);
        dataset = new Dataset(CaseLibrary.GENERATED_DATASET, Map.of(JOB, job()), generate(random, documentCount));
        Kind<AnomalyRecord> recordKind = new Kind<>(true, records, GetRecordsResponse.JSON_PROPERTY_RECORDS,
                AnomalyRecord.JSON_PROPERTY_RECORD_SCORE, List.of(AnomalyRecord.JSON_PROPERTY_RECORD_SCORE,
                AnomalyRecord.JSON_PROPERTY_TIMESTAMP, AnomalyRecord.JSON_PROPERTY_PROBABILITY,
                AnomalyRecord.JSON_PROPERTY_ACTUAL, AnomalyRecord.JSON_PROPERTY_BY_FIELD_VALUE),
                AnomalyRecord::getTimestamp, AnomalyRecord::getRecordScore,
                (count, page) -> new GetRecordsResponse().count(count).records(page));
        Kind<Influencer> influencerKind = new Kind<>(false, influencers, GetInfluencersResponse.JSON_PROPERTY_INFLUENCERS,
                Influencer.JSON_PROPERTY_INFLUENCER_SCORE, List.of(Influencer.JSON_PROPERTY_INFLUENCER_SCORE,
                Influencer.JSON_PROPERTY_TIMESTAMP, Influencer.JSON_PROPERTY_PROBABILITY),
                Influencer::getTimestamp, Influencer::getInfluencerScore,
                (count, page) -> new GetInfluencersResponse().count(count).influencers(page));
        cases = new ArrayList<>();
        for (int i = 0; i < queryCount; i++) {
            boolean queryRecords = random.nextInt(3) != 0;
            cases.add(queryRecords ? query(random, seed, i, recordKind) : query(random, seed, i, influencerKind));
        }
    }

    /**
     * The records or the influencers, as a query sees them: their documents, the array and score field of their
     * answers, the fields a generated query sorts on, and the answer model that holds a page of them.
     */
    private record Kind<T>(boolean records, List<T> documents, String array, String scoreField, List<String> sortFields,
                           ToLongFunction<T> timestamp, ToDoubleFunction<T> score,
                           BiFunction<Long, List<T>, Object> answer) {
    }

    /** {@code documentCount} results and {@code queryCount} cases from one seed. */
    static GeneratedCases create(long seed, int documentCount, int queryCount) {
        return new GeneratedCases(seed, documentCount, queryCount);
    }

    Dataset dataset() {
        return dataset;
    }

    List<Case> cases() {
        return cases;
    }

    /** Makes {@code count} results, keeps them, and returns the {@code _bulk} body that indexes them. */
    private String generate(Random random, int count) {
        StringBuilder bulk = new StringBuilder();
        Set<Double> scores = new HashSet<>();
        for (int i = 0; i < count; i++) {
            double score;
            do {
                score = Math.round(random.nextDouble() * 1_000_000) / 10_000.0;
            } while (!scores.add(score));
            long timestamp = BASE + STEP * random.nextInt(count / 2 + 1);
            Object document;
            if (random.nextInt(4) != 0) {
                AnomalyRecord record = new AnomalyRecord().jobId(JOB).resultType(AnomalyRecord.ResultTypeEnum.RECORD);
                String service = SERVICES.get(random.nextInt(SERVICES.size()));
                record.probability(Math.round(random.nextDouble() * 1e6) / 1e8).recordScore(score).initialRecordScore(score)
                        .bucketSpan(60L).detectorIndex(0).isInterim(interim(random)).timestamp(timestamp)
                        .byFieldName(BY_FIELD).byFieldValue(service).function("high_mean").functionDescription("mean")
                        .fieldName("latency");
                record.addTypicalItem(Math.round(random.nextDouble() * 1000) / 10.0);
                record.addActualItem(Math.round(random.nextDouble() * 10000) / 10.0);
                if (random.nextInt(5) == 0) {
                    record.addActualItem(Math.round(random.nextDouble() * 10000) / 10.0);
                }
                records.add(record);
                document = record;
            } else {
                String host = INFLUENCER_FIELD + "-" + random.nextInt(8);
                Influencer influencer = new Influencer().jobId(JOB).resultType(Influencer.ResultTypeEnum.INFLUENCER)
                        .influencerFieldName(INFLUENCER_FIELD).influencerFieldValue(host).influencerScore(score)
                        .initialInfluencerScore(score).probability(Math.round(random.nextDouble() * 1e6) / 1e8)
                        .bucketSpan(60L).isInterim(interim(random))
                        // Influencers have no tie-breaker in Elasticsearch: keep their timestamps unique too.
                        .timestamp(BASE + STEP * (count + i));
                influencer.putAdditionalProperty(INFLUENCER_FIELD, host);
                influencers.add(influencer);
                document = influencer;
            }
            bulk.append("{\"index\":{\"_index\":\".ml-anomalies-.write-").append(JOB).append("\",\"_id\":\"").append(JOB)
                    .append("_g").append(i)
                    .append("\"}}\n").append(document(document)).append('\n');
        }
        return bulk.toString();
    }

    /** The interim flag: true, false, or (set explicitly to null, whatever the model's default) absent, meaning final. */
    private static Boolean interim(Random random) {
        int flag = random.nextInt(20);
        return flag < 2 ? Boolean.TRUE : flag > 2 ? Boolean.FALSE : null;
    }

    /** A model as the JSON document Elasticsearch holds and sorts on: written as the models are, what is unset left out. */
    private static ObjectNode document(Object model) {
        return MODELS.valueToTree(model);
    }

    private static ObjectNode job() {
        ObjectNode job = JSON.createObjectNode();
        job.put("description", "generated by the conformance kit");
        ObjectNode analysis = job.putObject("analysis_config").put("bucket_span", "1m");
        analysis.putArray("detectors").addObject().put("function", "high_mean").put("field_name", "latency")
                .put("by_field_name", BY_FIELD);
        analysis.putArray("influencers").add(INFLUENCER_FIELD);
        job.putObject("data_description").put("time_field", "@timestamp");
        return job;
    }

    private <T> Case query(Random random, long seed, int index, Kind<T> kind) {
        String scoreField = kind.scoreField();
        String array = kind.array();
        List<T> ofType = kind.documents();

        Long start = random.nextInt(3) == 0 ? null : kind.timestamp().applyAsLong(pick(random, ofType));
        Long end = random.nextInt(3) == 0 ? null
                : kind.timestamp().applyAsLong(pick(random, ofType)) + STEP * random.nextInt(3);
        double threshold = switch (random.nextInt(3)) {
            case 0 -> 0.0;
            case 1 -> kind.score().applyAsDouble(pick(random, ofType));
            default -> Math.round(random.nextDouble() * 1000) / 10.0;
        };
        boolean excludeInterim = random.nextBoolean();
        String sort = random.nextInt(3) == 0 ? null : kind.sortFields().get(random.nextInt(kind.sortFields().size()));
        Boolean desc = random.nextInt(3) == 0 ? null : random.nextBoolean();
        int from = random.nextInt(4) == 0 ? random.nextInt(30) : 0;
        int size = random.nextInt(25);
        boolean inBody = random.nextBoolean();
        boolean isoDates = random.nextBoolean();

        List<T> expected = oracle(ofType, start, end, threshold, excludeInterim, sort == null ? scoreField : sort,
                desc == null || desc, kind.records());
        List<T> page = expected.subList(Math.min(from, expected.size()), Math.min(from + size, expected.size()));
        // Elasticsearch's answer, as the contract's model of it; the case checks its count and every score on the page.
        JsonNode answer = MODELS.valueToTree(kind.answer().apply((long) expected.size(), page));
        Map<String, JsonNode> at = new LinkedHashMap<>();
        at.put("/" + GetRecordsResponse.JSON_PROPERTY_COUNT, answer.get(GetRecordsResponse.JSON_PROPERTY_COUNT));
        for (int i = 0; i < page.size(); i++) {
            String pointer = "/" + array + "/" + i + "/" + scoreField;
            at.put(pointer, answer.at(pointer));
        }

        Map<String, String> query = new LinkedHashMap<>();
        ObjectNode body = null;
        if (inBody) {
            body = JSON.createObjectNode();
            if (start != null) {
                body.put("start", date(start, isoDates));
            }
            if (end != null) {
                body.put("end", date(end, isoDates));
            }
            if (threshold != 0.0 || random.nextBoolean()) {
                body.put(scoreField, threshold);
            }
            body.put("exclude_interim", excludeInterim);
            if (sort != null) {
                body.put("sort", sort);
            }
            if (desc != null) {
                body.put("desc", desc);
            }
            body.putObject("page").put("from", from).put("size", size);
        } else {
            if (start != null) {
                query.put("start", date(start, isoDates));
            }
            if (end != null) {
                query.put("end", date(end, isoDates));
            }
            if (threshold != 0.0) {
                query.put(scoreField, String.valueOf(threshold));
            }
            query.put("exclude_interim", String.valueOf(excludeInterim));
            if (sort != null) {
                query.put("sort", sort);
            }
            if (desc != null) {
                query.put("desc", String.valueOf(desc));
            }
            query.put("from", String.valueOf(from));
            query.put("size", String.valueOf(size));
        }
        String id = "generated." + seed + "." + index;
        String title = "generated " + array + " query #" + index + " of seed " + seed + " matches the oracle";
        return new Case(id, Level.REQUIRED, "generated", title, "oracle over the seeded data (seed " + seed + ")", null,
                CaseLibrary.GENERATED_DATASET, EnumSet.of(Capability.ELASTICSEARCH_SEEDING),
                new Case.Request(inBody ? "POST" : "GET", "/_ml/anomaly_detectors/" + JOB + "/results/" + array, query, body,
                        null, "application/json", null, Map.of()),
                new Case.Expectation(200, null, null, Map.of(), List.of(), null, List.of(), at,
                        Map.of("/" + array, page.size()), null, true));
    }

    private static <T> T pick(Random random, List<T> docs) {
        return docs.get(random.nextInt(docs.size()));
    }

    private static String date(long millis, boolean iso) {
        return iso ? Instant.ofEpochMilli(millis).toString() : String.valueOf(millis);
    }

    /**
     * Elasticsearch's answer, computed from the documents alone: the matching results of {@code docs} (records when
     * {@code records}, else influencers), in Elasticsearch's order. Filters and sorts read each result as the JSON
     * document it is indexed as, so any field can be sorted on by its name.
     */
    static <T> List<T> oracle(List<T> docs, Long start, Long end, double threshold, boolean excludeInterim, String sort,
                              boolean desc, boolean records) {
        String scoreField = records ? AnomalyRecord.JSON_PROPERTY_RECORD_SCORE : Influencer.JSON_PROPERTY_INFLUENCER_SCORE;
        List<Indexed<T>> matches = new ArrayList<>();
        for (T doc : docs) {
            ObjectNode document = document(doc);
            long timestamp = document.get(AnomalyRecord.JSON_PROPERTY_TIMESTAMP).asLong();
            if (start != null && timestamp < start || end != null && timestamp >= end) {
                continue;
            }
            if (threshold > 0 && document.get(scoreField).asDouble() < threshold) {
                continue;
            }
            if (excludeInterim && document.path(AnomalyRecord.JSON_PROPERTY_IS_INTERIM).asBoolean(false)) {
                continue;
            }
            matches.add(new Indexed<>(doc, document));
        }
        Comparator<ObjectNode> order = byField(sort, desc);
        if (records) {
            for (String tieBreaker : RECORD_TIE_BREAKERS) {
                order = order.thenComparing(byField(tieBreaker, desc));
            }
        }
        matches.sort(Comparator.comparing(Indexed::document, order));
        return matches.stream().map(Indexed::result).toList();
    }

    /** A result and the JSON document it is indexed as. */
    private record Indexed<T>(T result, ObjectNode document) {
    }

    /** One sort level: missing last either way; several values count by their max descending, min ascending. */
    private static Comparator<ObjectNode> byField(String field, boolean desc) {
        return (a, b) -> {
            JsonNode va = representative(a.get(field), desc);
            JsonNode vb = representative(b.get(field), desc);
            if (va == null || vb == null) {
                return va == null ? (vb == null ? 0 : 1) : -1;
            }
            int comparison = va.isNumber() && vb.isNumber() ? Double.compare(va.asDouble(), vb.asDouble())
                    : va.asText().compareTo(vb.asText());
            return desc ? -comparison : comparison;
        };
    }

    private static JsonNode representative(JsonNode value, boolean desc) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            return value;
        }
        JsonNode best = null;
        for (JsonNode item : value) {
            if (best == null || (desc ? item.asDouble() > best.asDouble() : item.asDouble() < best.asDouble())) {
                best = item;
            }
        }
        return best;
    }

    private static List<String> tieBreakers(String sortParameter) {
        List<String> fields = new ArrayList<>();
        Contract.get().spec().at("/components/parameters/" + sortParameter + "/x-tie-breakers")
                .forEach(field -> fields.add(field.asText()));
        if (fields.isEmpty()) {
            throw new IllegalStateException("the contract's " + sortParameter + " lists no x-tie-breakers");
        }
        return List.copyOf(fields);
    }
}
