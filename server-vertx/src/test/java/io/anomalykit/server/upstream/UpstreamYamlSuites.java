package io.anomalykit.server.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.security.Security;
import io.anomalykit.server.security.SecuritySettings;
import io.anomalykit.server.upstream.YamlSuiteRunner.Outcome;
import io.anomalykit.server.upstream.YamlSuiteRunner.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A developer tool, not part of the normal test run: runs Elasticsearch's own YAML REST suites, kept outside the
 * repository, against a real server and writes {@code target/upstream-yaml-report.md}. See docs/upstream-yaml.md.
 *
 * <p>The server is set up as Elasticsearch's YAML test clusters are: security on, and the file-realm superuser
 * {@code x_pack_rest_user} the x-pack suites name in their own Authorization headers.
 */
class UpstreamYamlSuites {

    /** The directory holding Elasticsearch's files under their own relative paths. */
    private static final String ROOT = "anomalykit.upstreamYaml";
    /** Optional: a regular expression a suite file's path must contain to run. */
    private static final String ONLY = "anomalykit.upstreamYaml.only";
    /** Optional: true to send the suites' own index names to results indices instead (see YamlSuiteRunner). */
    private static final String RENAME = "anomalykit.upstreamYaml.renameIndices";
    private static final String RENAMED_PREFIX = ".ml-anomalies-custom-yaml-";
    private static final String TEST_USER = "x_pack_rest_user";
    private static final String TEST_PASSWORD = "x-pack-test-password";

    @TempDir
    Path data;
    @TempDir
    Path config;

    @Test
    void runTheUpstreamSuites() throws IOException {
        String root = System.getProperty(ROOT);
        assumeTrue(root != null && !root.isBlank(), "give -D" + ROOT + "=<directory of Elasticsearch's YAML suites>");
        Files.writeString(config.resolve("users"), TEST_USER + ":" + Security.hash(TEST_PASSWORD) + "\n");
        Files.writeString(config.resolve("users_roles"), "superuser:" + TEST_USER + "\n");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(Path.of(root))) {
            String only = System.getProperty(ONLY, "");
            files = walk.filter(path -> path.toString().endsWith(".yml") && path.toString().contains("rest-api-spec/test/"))
                    .filter(path -> Pattern.compile(only).matcher(path.toString()).find())
                    .sorted().toList();
        }
        assertThat(files).as("YAML suites under " + root).isNotEmpty();
        Map<String, List<Outcome>> results = new LinkedHashMap<>();
        boolean renamed = Boolean.getBoolean(RENAME);
        try (TestServer server = TestServer.withDemoData(data,
                new SecuritySettings(true, config, TestServer.ELASTIC_PASSWORD, true))) {
            YamlSuiteRunner runner = new YamlSuiteRunner(server.baseUrl(), TestServer.basic(TEST_USER, TEST_PASSWORD),
                    renamed ? RENAMED_PREFIX : null);
            Runnable wipe = () -> wipe(runner);
            wipe.run();
            for (Path file : files) {
                String name = file.toString().substring(file.toString().indexOf("rest-api-spec/test/")
                        + "rest-api-spec/test/".length());
                results.put(name, runner.run(file, wipe));
            }
        }
        Path report = Path.of("target", renamed ? "upstream-yaml-report-renamed.md" : "upstream-yaml-report.md");
        Files.createDirectories(report.getParent());
        Files.writeString(report, report(results, renamed));
        System.out.println("upstream YAML report: " + report.toAbsolutePath());
    }

    /**
     * Leaves nothing a test made, as ESRestTestCase.wipeCluster and the ML and security cleanups do after each test:
     * jobs (with their results), every index a test named, and the users, roles and API keys that are not reserved.
     */
    private static void wipe(YamlSuiteRunner runner) {
        JsonNode jobs = runner.call("GET", "/_ml/anomaly_detectors/_all", null);
        jobs.path("jobs").forEach(job -> runner.call("DELETE", "/_ml/anomaly_detectors/"
                + encode(job.path("job_id").asText()) + "?force=true", null));
        for (String index : runner.touchedIndices()) {
            runner.call("DELETE", "/" + encode(index), null);
        }
        runner.touchedIndices().clear();
        runner.call("GET", "/_security/user", null).fields().forEachRemaining(user -> {
            if (!user.getValue().path("metadata").path("_reserved").asBoolean(false)) {
                runner.call("DELETE", "/_security/user/" + encode(user.getKey()), null);
            }
        });
        runner.call("GET", "/_security/role", null).fields().forEachRemaining(role -> {
            if (!role.getValue().path("metadata").path("_reserved").asBoolean(false)) {
                runner.call("DELETE", "/_security/role/" + encode(role.getKey()), null);
            }
        });
        runner.call("GET", "/_security/api_key", null).path("api_keys").forEach(key -> {
            if (!key.path("invalidated").asBoolean(false)) {
                runner.call("DELETE", "/_security/api_key", "{\"ids\":[\"" + key.path("id").asText() + "\"]}");
            }
        });
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String report(Map<String, List<Outcome>> results, boolean renamed) {
        StringBuilder out = new StringBuilder("# Elasticsearch YAML REST suites against anomalykit\n\n");
        if (renamed) {
            out.append("Index names other than results and system indices were sent as `" + RENAMED_PREFIX
                    + "<name>`.\n\n");
        }
        out.append("error = the runner could not carry out a step (not the server's fault).\n\n");
        out.append("| suite file | pass | fail | skip | error |\n|---|---|---|---|---|\n");
        Map<Status, Integer> total = new EnumMap<>(Status.class);
        results.forEach((file, outcomes) -> {
            Map<Status, Integer> counts = new EnumMap<>(Status.class);
            outcomes.forEach(outcome -> {
                counts.merge(outcome.status(), 1, Integer::sum);
                total.merge(outcome.status(), 1, Integer::sum);
            });
            out.append(row(file, counts));
        });
        out.append(row("**total**", total)).append('\n');
        results.forEach((file, outcomes) -> {
            out.append("## ").append(file).append("\n\n");
            outcomes.forEach(outcome -> out.append("- ").append(outcome.status()).append(" `").append(outcome.test())
                    .append('`').append(outcome.detail().isEmpty() ? "" : ": " + outcome.detail().replace("\n", " "))
                    .append('\n'));
            out.append('\n');
        });
        return out.toString();
    }

    private static String row(String name, Map<Status, Integer> counts) {
        return "| " + name + " | " + counts.getOrDefault(Status.PASS, 0) + " | " + counts.getOrDefault(Status.FAIL, 0)
                + " | " + counts.getOrDefault(Status.SKIP, 0) + " | " + counts.getOrDefault(Status.ERROR, 0) + " |\n";
    }
}
