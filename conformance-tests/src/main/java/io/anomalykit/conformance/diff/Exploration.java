package io.anomalykit.conformance.diff;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.cases.Level;
import io.anomalykit.conformance.service.Capability;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The exploration set: requests no rule was written for, made from a seed, whose answers a differential run only
 * compares. Each reads records or influencers of a seeded job (or of a job that does not exist) under {@code _ml} or
 * the legacy {@code _xpack/ml}, by GET or POST, its parameters in the query string or the body, with parameter
 * combinations drawn from valid values, paging edges (0, 1, the 10 000 result window and beyond it, negative) and bad
 * inputs (unknown sort fields and parameters, values of the wrong type). The same seed and size give the same requests.
 */
public final class Exploration {

    /** The kind of the exploration cases, which reports show beside documented examples, behaviour rules… */
    public static final String KIND = "exploration";
    private static final String MISSING_JOB = "no-such-job-explored";
    private static final List<String> PREFIXES = List.of("/_ml", "/_xpack/ml");
    private static final List<String> ENDPOINTS = List.of("records", "influencers");
    private static final List<Object> PAGING = List.of(0, 1, 3, 100, 9999, 10000, 10001, -1, "ten");
    private static final List<Object> DATES = List.of("1500000000000", "1500003600000", "2017-07-14T02:40:00Z",
            "now-100y", "not-a-date", "1454943600000");
    private static final List<Object> SCORES = List.of(0, 25, 50.5, 90, -1, 100, "high");
    private static final List<Object> BOOLEANS = List.of(true, false, "true", "false", "yes");
    private static final Map<String, List<Object>> SORTS = Map.of(
            "records", List.of("record_score", "timestamp", "probability", "initial_record_score", "by_field_value",
                    "detector_index", "no_such_field"),
            "influencers", List.of("influencer_score", "timestamp", "probability", "initial_influencer_score",
                    "influencer_field_value", "no_such_field"));

    private Exploration() {
    }

    /** {@code size} exploration cases over the seeded jobs of {@code library}, made from {@code seed}. */
    public static List<Case> cases(CaseLibrary library, long seed, int size) {
        Random random = new Random(seed);
        List<String> jobs = new ArrayList<>(new TreeSet<>(library.jobIds()));
        jobs.add(MISSING_JOB);
        List<Case> cases = new ArrayList<>(size);
        for (int n = 1; n <= size; n++) {
            cases.add(explore(library, random, jobs, n));
        }
        return cases;
    }

    private static Case explore(CaseLibrary library, Random random, List<String> jobs, int n) {
        String job = pick(random, jobs);
        String endpoint = pick(random, ENDPOINTS);
        String prefix = pick(random, PREFIXES);
        boolean post = random.nextBoolean();
        boolean inBody = random.nextInt(3) == 0;
        Map<String, Object> parameters = new LinkedHashMap<>();
        maybe(random, parameters, "start", DATES);
        maybe(random, parameters, "end", DATES);
        maybe(random, parameters, "sort", SORTS.get(endpoint));
        maybe(random, parameters, "desc", BOOLEANS);
        maybe(random, parameters, "exclude_interim", BOOLEANS);
        maybe(random, parameters, endpoint.equals("records") ? "record_score" : "influencer_score", SCORES);
        maybe(random, parameters, "from", PAGING);
        maybe(random, parameters, "size", PAGING);
        if (random.nextInt(12) == 0) {
            parameters.put("no_such_parameter", "x");
        }
        Set<Capability> needs = EnumSet.noneOf(Capability.class);
        if (prefix.equals("/_xpack/ml")) {
            needs.add(Capability.LEGACY_PREFIX);
        }
        Map<String, String> query = new LinkedHashMap<>();
        ObjectNode body = null;
        if (inBody) {
            body = JsonNodeFactory.instance.objectNode();
            ObjectNode page = null;
            for (Map.Entry<String, Object> parameter : parameters.entrySet()) {
                boolean paging = parameter.getKey().equals("from") || parameter.getKey().equals("size");
                ObjectNode into = paging ? page != null ? page : (page = body.putObject("page")) : body;
                into.putPOJO(parameter.getKey(), parameter.getValue());
            }
            if (!post) {
                needs.add(Capability.GET_WITH_BODY);
            }
        } else {
            parameters.forEach((name, value) -> query.put(name, String.valueOf(value)));
        }
        String dataset = datasetOf(library, job);
        String path = prefix + "/anomaly_detectors/" + job + "/results/" + endpoint;
        String method = post ? "POST" : "GET";
        String title = method + " " + path + (query.isEmpty() ? "" : " " + query) + (body == null ? "" : " " + body);
        return new Case(String.format("explore-%04d", n), Level.OPTIONAL, KIND, title,
                "generated exploration request; no rule: only compared with the reference", null, dataset, needs,
                new Case.Request(method, path, query, body, null, body == null ? null : "application/json", null, Map.of()),
                new Case.Expectation(null, null, null, Map.of(), List.of(), null, List.of(), Map.of(), Map.of(), null,
                        false));
    }

    private static String datasetOf(CaseLibrary library, String job) {
        for (String name : List.of(CaseLibrary.GENERATED_DATASET, CaseLibrary.DOCUMENTED_DATASET)) {
            if (library.dataset(name).jobs().containsKey(job)) {
                return name;
            }
        }
        return library.datasetNames().stream().filter(name -> library.dataset(name).jobs().containsKey(job)).findFirst()
                .orElse(CaseLibrary.GENERATED_DATASET);
    }

    private static void maybe(Random random, Map<String, Object> parameters, String name, List<Object> values) {
        if (random.nextInt(3) == 0) {
            parameters.put(name, pick(random, values));
        }
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
