package io.anomalykit.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.service.Dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A golden set: the reference's answers to a run's requests, as JSON files a person can read and diff. The directory
 * holds {@value #MANIFEST} (the format version, the kit's version, the reference's {@code GET /} answer, the seed, the
 * exploration size and the run prefix the data was seeded under), {@code cases/<case id>.json} (the request as sent, a
 * curl repeating it and the answer) and {@code datasets/<name>.json} (the jobs and results seeded).
 */
final class Recording {

    static final String MANIFEST = "manifest.json";
    /** The version of the golden set's layout; a replay refuses another. */
    static final int FORMAT_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter PRETTY = JSON.writerWithDefaultPrettyPrinter();

    /**
     * What a golden set says about how it was made.
     *
     * @param referenceRoot the reference's {@code GET /} answer, with its version
     */
    record Manifest(String kitVersion, JsonNode referenceRoot, long seed, int explorationSize, String runPrefix) {

        /** The reference's version number, {@code 8.19.2}, or "unknown". */
        String referenceVersion() {
            return referenceRoot.path("version").path("number").asText("unknown");
        }
    }

    private Recording() {
    }

    /** Writes the manifest, each recorded answer with its request, and the datasets seeded. */
    static void write(Path directory, Manifest manifest, Map<String, Recorded> answers, Map<String, Dataset> datasets) {
        try {
            Files.createDirectories(directory.resolve("cases"));
            Files.createDirectories(directory.resolve("datasets"));
            ObjectNode json = JSON.createObjectNode().put("format_version", FORMAT_VERSION)
                    .put("kit_version", manifest.kitVersion()).put("seed", manifest.seed())
                    .put("exploration_size", manifest.explorationSize()).put("run_prefix", manifest.runPrefix());
            json.set("reference", manifest.referenceRoot());
            PRETTY.writeValue(directory.resolve(MANIFEST).toFile(), json);
            for (Map.Entry<String, Recorded> entry : answers.entrySet()) {
                Recorded recorded = entry.getValue();
                ObjectNode file = JSON.createObjectNode().put("id", entry.getKey());
                file.set("request", JSON.valueToTree(recorded.request()));
                file.put("curl", recorded.curl());
                file.set("answer", recorded.answer().toJson());
                PRETTY.writeValue(directory.resolve("cases").resolve(fileName(entry.getKey())).toFile(), file);
            }
            for (Map.Entry<String, Dataset> dataset : datasets.entrySet()) {
                ObjectNode file = JSON.createObjectNode();
                file.set("jobs", JSON.valueToTree(dataset.getValue().jobs()));
                file.put("bulk", dataset.getValue().bulkBody());
                PRETTY.writeValue(directory.resolve("datasets").resolve(fileName(dataset.getKey())).toFile(), file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the recording into " + directory + ": " + e.getMessage(), e);
        }
    }

    /** One recorded exchange: the request as sent, its curl, and the reference's answer. */
    record Recorded(Case.Request request, String curl, Answer answer) {
    }

    /**
     * Reads a golden set.
     *
     * @throws IllegalArgumentException when the directory holds no golden set of this format
     */
    static Loaded read(Path directory) {
        Path manifestFile = directory.resolve(MANIFEST);
        if (!Files.isRegularFile(manifestFile)) {
            throw new IllegalArgumentException(directory + " holds no recording (no " + MANIFEST + ")");
        }
        try {
            JsonNode json = JSON.readTree(manifestFile.toFile());
            int format = json.path("format_version").asInt(-1);
            if (format != FORMAT_VERSION) {
                throw new IllegalArgumentException(manifestFile + " is of format version " + format + "; this kit reads "
                        + FORMAT_VERSION + ": record again with this kit");
            }
            Manifest manifest = new Manifest(json.path("kit_version").asText(), json.path("reference"),
                    json.path("seed").asLong(), json.path("exploration_size").asInt(), json.path("run_prefix").asText());
            Map<String, Answer> answers = new LinkedHashMap<>();
            Map<String, String> curls = new LinkedHashMap<>();
            try (Stream<Path> files = Files.list(directory.resolve("cases"))) {
                for (Path file : files.sorted().toList()) {
                    JsonNode recorded = JSON.readTree(file.toFile());
                    answers.put(recorded.path("id").asText(), Answer.fromJson(recorded.path("answer")));
                    curls.put(recorded.path("id").asText(), recorded.path("curl").asText());
                }
            }
            return new Loaded(manifest, answers, curls);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the recording " + directory + ": " + e.getMessage(), e);
        }
    }

    /** A golden set as read: the manifest and, by case id, each answer and its curl. */
    record Loaded(Manifest manifest, Map<String, Answer> answers, Map<String, String> curls) {
        Optional<Answer> answer(String caseId) {
            return Optional.ofNullable(answers.get(caseId));
        }
    }

    /**
     * A warning when the target's major version is not the recording's, whose answers may then differ for that reason
     * alone; empty when they agree or either is unknown.
     */
    static Optional<String> majorVersionWarning(String recorded, String target) {
        String recordedMajor = recorded.split("\\.")[0];
        String targetMajor = target.split("\\.")[0];
        if (!recordedMajor.matches("\\d+") || !targetMajor.matches("\\d+") || recordedMajor.equals(targetMajor)) {
            return Optional.empty();
        }
        return Optional.of("the recording was made against Elasticsearch " + recorded + " but the target answers as "
                + target + ": differences of major version are expected; record again against a reference of the"
                + " target's major version");
    }

    private static String fileName(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_") + ".json";
    }
}
