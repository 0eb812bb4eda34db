package io.anomalykit.conformance.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The ledger's section on Elasticsearch's own YAML REST tests ({@code anomalykit/conformance/upstream-yaml.yaml}): the
 * last measured counts per suite file and each test that still fails, with its area and why.
 */
public final class UpstreamYamlFailures {

    static final String RESOURCE = "anomalykit/conformance/upstream-yaml.yaml";
    private static final Set<String> AREAS = Set.of("jobs", "documents", "security", "results", "out-of-scope");

    /** One failing test of one suite file. */
    public record Failure(String suite, String test, String area, String reason) {
    }

    /** Counts of one suite file: pass, fail, skip and runner error. */
    public record Counts(String suite, int pass, int fail, int skip, int error) {
    }

    private final String commit;
    private final String mode;
    private final List<Counts> counts;
    private final List<Failure> failures;

    private UpstreamYamlFailures(String commit, String mode, List<Counts> counts, List<Failure> failures) {
        this.commit = commit;
        this.mode = mode;
        this.counts = counts;
        this.failures = failures;
    }

    /** Reads the data file and checks it holds together; an inconsistent file is refused with what is wrong. */
    public static UpstreamYamlFailures load() {
        JsonNode root;
        try (InputStream in = UpstreamYamlFailures.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            root = new YAMLMapper().readTree(Objects.requireNonNull(in, () -> "missing resource " + RESOURCE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Counts> counts = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> suites = root.path("measured").path("counts").fields(); suites.hasNext(); ) {
            Map.Entry<String, JsonNode> suite = suites.next();
            JsonNode n = suite.getValue();
            if (n.size() != 4) {
                throw new IllegalStateException(RESOURCE + ": counts of " + suite.getKey() + " are not [pass, fail, skip, error]");
            }
            counts.add(new Counts(suite.getKey(), n.get(0).asInt(), n.get(1).asInt(), n.get(2).asInt(), n.get(3).asInt()));
        }
        List<Failure> failures = new ArrayList<>();
        for (JsonNode entry : root.path("failing")) {
            Failure failure = new Failure(entry.path("suite").asText(), entry.path("test").asText(),
                    entry.path("area").asText(), entry.path("reason").asText());
            if (failure.test().isBlank() || failure.reason().isBlank() || !AREAS.contains(failure.area())) {
                throw new IllegalStateException(RESOURCE + ": entry needs a test, a reason and an area of " + AREAS
                        + ": " + entry);
            }
            failures.add(failure);
        }
        Map<String, Integer> listed = new HashMap<>();
        failures.forEach(failure -> listed.merge(failure.suite(), 1, Integer::sum));
        for (Counts suite : counts) {
            int notPassing = suite.fail() + suite.error();
            if (listed.getOrDefault(suite.suite(), 0) != notPassing) {
                throw new IllegalStateException(RESOURCE + ": " + suite.suite() + " has " + notPassing
                        + " failing tests counted but " + listed.getOrDefault(suite.suite(), 0) + " listed");
            }
            listed.remove(suite.suite());
        }
        if (!listed.isEmpty()) {
            throw new IllegalStateException(RESOURCE + ": failures listed for suites without counts: " + listed.keySet());
        }
        long distinct = failures.stream().map(f -> f.suite() + "\u0000" + f.test()).distinct().count();
        if (distinct != failures.size()) {
            throw new IllegalStateException(RESOURCE + ": a test is listed twice");
        }
        return new UpstreamYamlFailures(root.path("measured").path("commit").asText(),
                root.path("measured").path("mode").asText(), List.copyOf(counts), List.copyOf(failures));
    }

    public List<Failure> failures() {
        return failures;
    }

    public List<Counts> counts() {
        return counts;
    }

    /** The section's Markdown. */
    String render() {
        StringBuilder md = new StringBuilder("\n## Elasticsearch's YAML REST tests that still fail\n\n");
        md.append("Elasticsearch's own YAML REST suites for these APIs, run against the reference server with the ")
                .append("developer runner described in [upstream-yaml.md](upstream-yaml.md) (the suites are not part of ")
                .append("this repository). Last measured at `").append(commit).append("`, ").append(mode).append(".\n\n");
        md.append("| suite file | pass | fail | skip | runner error |\n|---|---|---|---|---|\n");
        int[] total = new int[4];
        for (Counts suite : counts) {
            md.append("| ").append(suite.suite()).append(" | ").append(suite.pass()).append(" | ").append(suite.fail())
                    .append(" | ").append(suite.skip()).append(" | ").append(suite.error()).append(" |\n");
            total[0] += suite.pass();
            total[1] += suite.fail();
            total[2] += suite.skip();
            total[3] += suite.error();
        }
        md.append("| **total** | ").append(total[0]).append(" | ").append(total[1]).append(" | ").append(total[2])
                .append(" | ").append(total[3]).append(" |\n\n");
        md.append("Each failing test, with the area its fix belongs to (`out-of-scope`: a feature this server does not ")
                .append("offer, expected to keep failing):\n");
        String suite = null;
        for (Failure failure : failures) {
            if (!failure.suite().equals(suite)) {
                suite = failure.suite();
                md.append("\n### ").append(suite).append("\n\n");
            }
            md.append("- `").append(failure.test()).append("` (").append(failure.area()).append("): ")
                    .append(failure.reason().replaceAll("\\s+", " ").trim()).append('\n');
        }
        return md.toString();
    }
}
