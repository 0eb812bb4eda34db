package io.anomalykit.conformance.cases;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.anomalykit.conformance.check.BodyFormats;
import io.anomalykit.conformance.service.Capability;
import io.anomalykit.conformance.service.Dataset;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * All cases of the kit: one per documented example of the contract, derived from the spec itself; the behaviour,
 * negative and protocol rules of the YAML files in {@code anomalykit/conformance/cases/}; cases generated from a seed
 * and checked against the kit's own oracle; and the datasets they need.
 */
public final class CaseLibrary {

    /** The dataset of the contract's fixtures, which the documented examples need. */
    public static final String DOCUMENTED_DATASET = "documented";
    /** The dataset the generated cases are computed from. */
    public static final String GENERATED_DATASET = "generated";
    private static final String CASES_FOLDER = "anomalykit/conformance/cases/";
    private static final String DATASETS_FOLDER = "anomalykit/conformance/datasets/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CASE_KEYS = Set.of("id", "level", "title", "source", "ledger", "needs", "dataset",
            "request", "expect");
    private static final Set<String> REQUEST_KEYS = Set.of("method", "path", "query", "body", "raw_body", "content_type",
            "persona", "headers", "format");
    private static final Set<String> EXPECT_KEYS = Set.of("status", "error_type", "reason_contains", "headers",
            "absent_headers", "body", "prefix_arrays", "at", "lengths", "sorted_by", "schema");

    private final List<Case> cases;
    private final Map<String, Dataset> datasets;

    private CaseLibrary(List<Case> cases, Map<String, Dataset> datasets) {
        this.cases = List.copyOf(cases);
        this.datasets = Map.copyOf(datasets);
    }

    /** The seed of the generated cases unless the system property {@code anomalykit.seed} names another. */
    public static final long DEFAULT_SEED = 20160208L;
    private static final int GENERATED_DOCUMENTS = 240;
    private static final int GENERATED_QUERIES = 40;

    /** All cases, with the generated ones made from {@code anomalykit.seed} (or {@link #DEFAULT_SEED}). */
    public static CaseLibrary load() {
        return load(Long.getLong("anomalykit.seed", DEFAULT_SEED));
    }

    /** All cases, with the generated ones made from {@code seed}. */
    public static CaseLibrary load(long seed) {
        GeneratedCases generated = GeneratedCases.create(seed, GENERATED_DOCUMENTS, GENERATED_QUERIES);
        List<Case> rules = new ArrayList<>();
        for (String file : Resources.fileNames(CASES_FOLDER)) {
            if (file.endsWith(".yaml")) {
                rules.addAll(readCaseFile(file, Resources.text(CASES_FOLDER + file)));
            }
        }
        List<Case> cases = new ArrayList<>(DocumentedExamples.cases(Contract.get(), ruleLevels(rules)));
        cases.addAll(generated.cases());
        cases.addAll(rules);
        Set<String> ids = new HashSet<>();
        for (Case c : cases) {
            if (!ids.add(c.id())) {
                throw new CaseFileException("two cases have the id " + c.id());
            }
        }
        Map<String, Dataset> datasets = new LinkedHashMap<>();
        datasets.put(DOCUMENTED_DATASET, documentedDataset());
        datasets.put(GENERATED_DATASET, generated.dataset());
        for (String file : Resources.fileNames(DATASETS_FOLDER)) {
            if (file.endsWith(".yaml")) {
                String name = file.substring(0, file.length() - ".yaml".length());
                datasets.put(name, readDataset(name, Resources.text(DATASETS_FOLDER + file)));
            }
        }
        Set<String> ledgerIds = new HashSet<>();
        Contract.get().spec().path("x-discrepancies").forEach(entry -> ledgerIds.add(entry.path("id").asText()));
        for (Case c : cases) {
            if (!datasets.containsKey(c.dataset())) {
                throw new CaseFileException("case " + c.id() + " needs the unknown dataset " + c.dataset());
            }
            if (c.ledger() != null && !ledgerIds.contains(c.ledger())) {
                throw new CaseFileException("case " + c.id() + " names the unknown ledger entry " + c.ledger());
            }
        }
        return new CaseLibrary(cases, datasets);
    }

    /**
     * The level of the rule asserting each ledger entry: a documented example that shows a disagreement (such as an
     * example under the legacy {@code _xpack} prefix) gates no harder than the rule about that disagreement.
     */
    private static Map<String, Level> ruleLevels(List<Case> rules) {
        Map<String, Level> levels = new HashMap<>();
        for (Case rule : rules) {
            if (rule.ledger() != null) {
                levels.merge(rule.ledger(), rule.level(), (a, b) -> a.ordinal() >= b.ordinal() ? a : b);
            }
        }
        return levels;
    }

    /** Every case: documented examples, generated cases, then the case files' cases in file order. */
    public List<Case> cases() {
        return cases;
    }

    /** The ids of every job of every dataset: the jobs a run creates, and whose ids it prefixes. */
    public Set<String> jobIds() {
        Set<String> ids = new HashSet<>();
        datasets.values().forEach(dataset -> ids.addAll(dataset.jobs().keySet()));
        return ids;
    }

    /** The names of every dataset, sorted. */
    public Set<String> datasetNames() {
        return new java.util.TreeSet<>(datasets.keySet());
    }

    /** The dataset a case names, or null when there is none of that name. */
    public Dataset dataset(String name) {
        return datasets.get(name);
    }

    /** A case file could not be read: what and where. */
    public static final class CaseFileException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CaseFileException(String message) {
            super(message);
        }
    }

    static List<Case> readCaseFile(String file, String yaml) {
        JsonNode root = yaml(file, yaml);
        String dataset = root.path("dataset").asText(DOCUMENTED_DATASET);
        String kind = required(root, "kind", file).asText();
        List<Case> cases = new ArrayList<>();
        for (JsonNode node : root.path("cases")) {
            String where = file + " case " + node.path("id").asText("?");
            checkKeys(node, CASE_KEYS, where);
            JsonNode request = required(node, "request", where);
            checkKeys(request, REQUEST_KEYS, where + " request");
            JsonNode expect = required(node, "expect", where);
            checkKeys(expect, EXPECT_KEYS, where + " expect");
            Set<Capability> needs = EnumSet.noneOf(Capability.class);
            node.path("needs").forEach(need -> needs.add(Capability.valueOf(need.asText().toUpperCase(Locale.ROOT))));
            cases.add(new Case(required(node, "id", where).asText(), Level.of(required(node, "level", where).asText()), kind,
                    required(node, "title", where).asText(), required(node, "source", where).asText(),
                    text(node, "ledger"), node.path("dataset").asText(dataset), needs,
                    new Case.Request(required(request, "method", where).asText(), required(request, "path", where).asText(),
                            strings(request.path("query")), request.get("body"),
                            request.hasNonNull("raw_body") ? request.get("raw_body").asText() : null,
                            request.path("content_type").asText(format(request, where) == null ? "application/json"
                                    : BodyFormats.mediaType(format(request, where))),
                            request.hasNonNull("persona") ? request.get("persona").asText() : null,
                            strings(request.path("headers")), format(request, where)),
                    new Case.Expectation(expect.hasNonNull("status") ? expect.get("status").asInt() : null,
                            text(expect, "error_type"), text(expect, "reason_contains"), strings(expect.path("headers")),
                            list(expect.path("absent_headers")), expect.get("body"), list(expect.path("prefix_arrays")),
                            values(expect.path("at")), lengths(expect.path("lengths")), text(expect, "sorted_by"),
                            expect.path("schema").asBoolean(true))));
        }
        if (cases.isEmpty()) {
            throw new CaseFileException(file + " has no cases");
        }
        return cases;
    }

    /** The contract's fixtures: every job of the api-model jar and all their results. */
    private static Dataset documentedDataset() {
        Map<String, ObjectNode> jobs = new LinkedHashMap<>();
        StringBuilder bulk = new StringBuilder();
        for (String file : Resources.fileNames(Contract.FIXTURES_FOLDER)) {
            if (file.endsWith(".job.json")) {
                String jobId = file.substring(0, file.length() - ".job.json".length());
                jobs.put(jobId, (ObjectNode) yaml(file, Resources.text(Contract.FIXTURES_FOLDER + file)));
                bulk.append(Resources.text(Contract.FIXTURES_FOLDER + jobId + ".results.ndjson"));
            }
        }
        return new Dataset(DOCUMENTED_DATASET, jobs, bulk.toString());
    }

    private static Dataset readDataset(String name, String yaml) {
        JsonNode root = yaml(name, yaml);
        Map<String, ObjectNode> jobs = new LinkedHashMap<>();
        required(root, "jobs", name).properties().forEach(job -> jobs.put(job.getKey(), (ObjectNode) job.getValue()));
        StringBuilder bulk = new StringBuilder();
        for (JsonNode result : required(root, "results", name)) {
            ObjectNode document = result.deepCopy();
            ObjectNode action = JSON.createObjectNode();
            ObjectNode target = action.putObject("index");
            target.put("_index", ".ml-anomalies-.write-" + document.path("job_id").asText());
            if (document.has("_id")) {
                // Made unique per job, as Elasticsearch's result ids are (they start with the job id), so that two runs
                // sharing a results index under different run prefixes do not overwrite each other's documents.
                target.put("_id", document.path("job_id").asText() + "_" + document.remove("_id").asText());
            }
            bulk.append(action).append('\n').append(document).append('\n');
        }
        return new Dataset(name, jobs, bulk.toString());
    }

    private static JsonNode yaml(String file, String text) {
        try {
            return new YAMLMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new CaseFileException(file + " does not parse: " + e.getOriginalMessage());
        }
    }

    private static JsonNode required(JsonNode node, String key, String where) {
        if (!node.hasNonNull(key)) {
            throw new CaseFileException(where + " lacks [" + key + "]");
        }
        return node.get(key);
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String where) {
        node.fieldNames().forEachRemaining(key -> {
            if (!allowed.contains(key)) {
                throw new CaseFileException(where + " has the unknown key [" + key + "]; known: " + allowed);
            }
        });
    }

    /** The format a request's body is sent in ({@code format:}), or null for JSON. */
    private static String format(JsonNode request, String where) {
        if (!request.hasNonNull("format")) {
            return null;
        }
        String format = request.get("format").asText();
        if (!BodyFormats.NAMES.contains(format)) {
            throw new CaseFileException(where + ": unknown format [" + format + "], one of " + BodyFormats.NAMES);
        }
        return format;
    }

    private static String text(JsonNode node, String key) {
        return node.hasNonNull(key) ? node.get(key).asText() : null;
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        node.properties().forEach(entry -> out.put(entry.getKey(), entry.getValue().asText()));
        return out;
    }

    private static Map<String, JsonNode> values(JsonNode node) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        node.properties().forEach(entry -> out.put(entry.getKey(), entry.getValue()));
        return out;
    }

    private static Map<String, Integer> lengths(JsonNode node) {
        Map<String, Integer> out = new LinkedHashMap<>();
        node.properties().forEach(entry -> out.put(entry.getKey(), entry.getValue().asInt()));
        return out;
    }

    private static List<String> list(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(item -> out.add(item.asText()));
        return out;
    }
}
