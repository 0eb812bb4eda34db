package io.anomalykit.conformance.cases;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.conformance.service.Capability;
import io.anomalykit.conformance.service.Dataset;

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

/**
 * Cases made from a seed: a dataset of records and influencers and many queries, each answered by the kit's own oracle
 * from the data it seeded. The oracle applies Elasticsearch's rules independently of any server: {@code [start, end)},
 * an inclusive threshold applied above 0, interim exclusion (no flag means final), any sort field with missing values
 * last, multi-valued fields by max descending and min ascending, and the records' tie-breakers. Scores are unique, so
 * every order is fully determined. The same seed gives the same cases.
 */
final class GeneratedCases {

    static final String JOB = "conformance-generated";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BASE = 1_500_000_000_000L;
    private static final long STEP = 60_000;
    private static final List<String> RECORD_TIE_BREAKERS = List.of("record_score", "over_field_value",
            "partition_field_value", "by_field_value", "field_name", "function");
    private static final List<String> SERVICES = List.of("api", "auth", "billing", "search", "web");

    private final List<ObjectNode> documents;
    private final Dataset dataset;
    private final List<Case> cases;

    private GeneratedCases(long seed, int documentCount, int queryCount) {
        Random random = new Random(seed);
        documents = generate(random, documentCount);
        dataset = dataset(documents);
        cases = new ArrayList<>();
        for (int i = 0; i < queryCount; i++) {
            cases.add(query(random, seed, i));
        }
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

    private static List<ObjectNode> generate(Random random, int count) {
        List<ObjectNode> out = new ArrayList<>();
        Set<Double> scores = new HashSet<>();
        for (int i = 0; i < count; i++) {
            double score;
            do {
                score = Math.round(random.nextDouble() * 1_000_000) / 10_000.0;
            } while (!scores.add(score));
            long timestamp = BASE + STEP * random.nextInt(count / 2 + 1);
            ObjectNode doc = JSON.createObjectNode().put("job_id", JOB);
            boolean record = random.nextInt(4) != 0;
            if (record) {
                String service = SERVICES.get(random.nextInt(SERVICES.size()));
                doc.put("result_type", "record").put("probability", Math.round(random.nextDouble() * 1e6) / 1e8)
                        .put("record_score", score).put("initial_record_score", score).put("bucket_span", 60)
                        .put("detector_index", 0);
                interim(random, doc);
                doc.put("timestamp", timestamp).put("by_field_name", "service").put("by_field_value", service)
                        .put("function", "high_mean").put("function_description", "mean").put("field_name", "latency");
                doc.putArray("typical").add(Math.round(random.nextDouble() * 1000) / 10.0);
                var actual = doc.putArray("actual").add(Math.round(random.nextDouble() * 10000) / 10.0);
                if (random.nextInt(5) == 0) {
                    actual.add(Math.round(random.nextDouble() * 10000) / 10.0);
                }
            } else {
                String host = "host-" + random.nextInt(8);
                doc.put("result_type", "influencer").put("influencer_field_name", "host").put("influencer_field_value", host)
                        .put("host", host).put("influencer_score", score).put("initial_influencer_score", score)
                        .put("probability", Math.round(random.nextDouble() * 1e6) / 1e8).put("bucket_span", 60);
                interim(random, doc);
                // Influencers have no tie-breaker in Elasticsearch: keep their timestamps unique too.
                doc.put("timestamp", BASE + STEP * (count + i));
            }
            out.add(doc);
        }
        return out;
    }

    private static void interim(Random random, ObjectNode doc) {
        int flag = random.nextInt(20);
        if (flag < 2) {
            doc.put("is_interim", true);
        } else if (flag > 2) {
            doc.put("is_interim", false);
        }
    }

    private static Dataset dataset(List<ObjectNode> documents) {
        ObjectNode job = JSON.createObjectNode();
        job.put("description", "generated by the conformance kit");
        ObjectNode analysis = job.putObject("analysis_config").put("bucket_span", "1m");
        analysis.putArray("detectors").addObject().put("function", "high_mean").put("field_name", "latency")
                .put("by_field_name", "service");
        analysis.putArray("influencers").add("host");
        job.putObject("data_description").put("time_field", "@timestamp");
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < documents.size(); i++) {
            bulk.append("{\"index\":{\"_index\":\".ml-anomalies-.write-").append(JOB).append("\",\"_id\":\"g").append(i)
                    .append("\"}}\n").append(documents.get(i)).append('\n');
        }
        return new Dataset(CaseLibrary.GENERATED_DATASET, Map.of(JOB, job), bulk.toString());
    }

    private Case query(Random random, long seed, int index) {
        boolean records = random.nextInt(3) != 0;
        String type = records ? "record" : "influencer";
        String scoreField = records ? "record_score" : "influencer_score";
        String array = records ? "records" : "influencers";
        List<String> sortFields = records ? List.of("record_score", "timestamp", "probability", "actual", "by_field_value")
                : List.of("influencer_score", "timestamp", "probability");
        List<ObjectNode> ofType = documents.stream().filter(d -> d.get("result_type").asText().equals(type)).toList();

        Long start = random.nextInt(3) == 0 ? null : pick(random, ofType).get("timestamp").asLong();
        Long end = random.nextInt(3) == 0 ? null : pick(random, ofType).get("timestamp").asLong() + STEP * random.nextInt(3);
        double threshold = switch (random.nextInt(3)) {
            case 0 -> 0.0;
            case 1 -> pick(random, ofType).get(scoreField).asDouble();
            default -> Math.round(random.nextDouble() * 1000) / 10.0;
        };
        boolean excludeInterim = random.nextBoolean();
        String sort = random.nextInt(3) == 0 ? null : sortFields.get(random.nextInt(sortFields.size()));
        Boolean desc = random.nextInt(3) == 0 ? null : random.nextBoolean();
        int from = random.nextInt(4) == 0 ? random.nextInt(30) : 0;
        int size = random.nextInt(25);
        boolean inBody = random.nextBoolean();
        boolean isoDates = random.nextBoolean();

        List<ObjectNode> expected = oracle(ofType, start, end, threshold, excludeInterim,
                sort == null ? scoreField : sort, desc == null || desc, records);
        Map<String, JsonNode> at = new LinkedHashMap<>();
        at.put("/count", LongNode.valueOf(expected.size()));
        List<ObjectNode> page = expected.subList(Math.min(from, expected.size()), Math.min(from + size, expected.size()));
        for (int i = 0; i < page.size(); i++) {
            at.put("/" + array + "/" + i + "/" + scoreField, page.get(i).get(scoreField));
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
        return new Case(id, Level.REQUIRED, "generated", title, "oracle over the seeded data (seed " + seed + ")", null, CaseLibrary.GENERATED_DATASET,
                EnumSet.of(Capability.ELASTICSEARCH_SEEDING),
                new Case.Request(inBody ? "POST" : "GET", "/_ml/anomaly_detectors/" + JOB + "/results/" + array, query, body,
                        null, "application/json", null, Map.of()),
                new Case.Expectation(200, null, null, Map.of(), List.of(), null, List.of(), at,
                        Map.of("/" + array, page.size()), null, true));
    }

    private static ObjectNode pick(Random random, List<ObjectNode> docs) {
        return docs.get(random.nextInt(docs.size()));
    }

    private static String date(long millis, boolean iso) {
        return iso ? Instant.ofEpochMilli(millis).toString() : String.valueOf(millis);
    }

    /** Elasticsearch's answer, computed from the documents alone. */
    static List<ObjectNode> oracle(List<ObjectNode> docs, Long start, Long end, double threshold, boolean excludeInterim,
                                   String sort, boolean desc, boolean records) {
        String scoreField = records ? "record_score" : "influencer_score";
        List<ObjectNode> matches = new ArrayList<>();
        for (ObjectNode doc : docs) {
            long timestamp = doc.get("timestamp").asLong();
            if (start != null && timestamp < start || end != null && timestamp >= end) {
                continue;
            }
            if (threshold > 0 && doc.get(scoreField).asDouble() < threshold) {
                continue;
            }
            if (excludeInterim && doc.path("is_interim").asBoolean(false)) {
                continue;
            }
            matches.add(doc);
        }
        Comparator<ObjectNode> order = byField(sort, desc);
        if (records) {
            for (String tieBreaker : RECORD_TIE_BREAKERS) {
                order = order.thenComparing(byField(tieBreaker, desc));
            }
        }
        matches.sort(order);
        return matches;
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
}
