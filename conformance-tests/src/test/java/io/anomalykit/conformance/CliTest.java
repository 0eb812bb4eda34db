package io.anomalykit.conformance;

import io.anomalykit.conformance.cli.Main;
import io.anomalykit.conformance.config.Setting;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI runs the same cases as the JUnit suite, exits by the gate, and says when its target cannot be used. */
class CliTest {

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        return run(Map.of("KIT_PASSWORD", ReferenceServer.PASSWORD, "WRONG", "not-the-password"), args);
    }

    /** The CLI in-process, with the environment it reads secrets from given. */
    static Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void passesAgainstTheReferenceServerAndSummarisesPerLevelAndKind() {
        Run run = run("--url", ReferenceServer.url(), "--user", "elastic", "--password-env", "KIT_PASSWORD");
        assertThat(run.exit()).as(run.out()).isZero();
        assertThat(run.out()).contains("PASSED  [example.mlGetRecords.documented] required:")
                .containsPattern("(?m)^  example +8 passed, 0 failed, 0 skipped$")
                .containsPattern("(?m)^  required +\\d+ passed, 0 failed, 0 skipped$")
                .containsPattern("(?m)^  generated +40 passed, 0 failed, 0 skipped$")
                .contains("generated cases came from seed 20160208 (repeat them with --seed 20160208)")
                // REST API version 9 is a capability a target declares; the CLI's target does not (Elasticsearch 8.x).
                .containsPattern("(?m)SKIPPED \\[compatibility.rest-api-9] recommended:")
                .containsPattern("(?m)^conformance: \\d+ passed, 0 failed, 1 skipped$");
    }

    @Test
    void includeAndLevelSelectCases() {
        Run run = run("--url", ReferenceServer.url(), "--user", "elastic", "--password-env", "KIT_PASSWORD", "--include", "^negative\\.", "--level", "required");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("[negative.unknown-job]").doesNotContain("[records.").doesNotContain("recommended:");
    }

    @Test
    void theSeedOfTheGeneratedCasesCanBeChosen() {
        Run run = run("--url", ReferenceServer.url(), "--user", "elastic", "--password-env", "KIT_PASSWORD", "--include", "^generated\\.", "--seed", "99");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("[generated.99.0]").contains("from seed 99");
    }

    @Test
    void listPrintsTheRuleCatalogueWithoutATarget() {
        Run run = run("--list");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).containsPattern("(?m)^required +behaviour +records\\.desc\\.default-true  without desc")
                .containsPattern("(?m)^recommended +behaviour +records\\.legacy-prefix ");
    }

    @Test
    void badUsageExitsWithTwo() {
        assertThat(run().exit()).isEqualTo(2);
        assertThat(run("--url", "http://127.0.0.1:1", "--user", "elastic").err()).contains("password-env");
        assertThat(run("--url", "http://127.0.0.1:1", "--user", "elastic", "--password-env", "NOT_SET").err())
                .contains("NOT_SET is not set");
        assertThat(run("--url", "http://127.0.0.1:1", "--no-such-option")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("--no-such-option");
        });
        assertThat(run("--url", "http://127.0.0.1:1", "--without", "teleportation").err())
                .contains("unknown capability [teleportation]").contains("legacy_prefix");
        assertThat(run("--url", "http://127.0.0.1:1", "--opt-out", "records.legacy-prefix").err()).contains("ID=REASON");
        assertThat(run("--url", "http://127.0.0.1:1", "--ca-cert", "no-such-ca.pem").exit()).isEqualTo(2);
    }

    @Test
    void helpDocumentsEveryOptionAndTheExitCodes() {
        Run run = run("--help");
        assertThat(run.exit()).isZero();
        for (Setting setting : Setting.values()) {
            assertThat(run.out()).contains("--" + setting.key());
        }
        assertThat(run.out()).contains("--config", "--list", "--version", "--ca-cert=FILE", "--api-key-env=VAR",
                "--header=NAME:VALUE", "3  the target could not be used");
    }

    @Test
    void versionNamesTheKitAndTheCaseSet() {
        Run run = run("--version");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).containsPattern("^anomalykit-conformance \\S+\n")
                .containsPattern("case set sha256 [0-9a-f]{64} \\(seed 20160208\\)");
    }

    @Test
    void anUnreachableTargetExitsWithThreeAndIsAnErrorInTheJUnitReport(@TempDir Path reports) throws Exception {
        Run run = run("--url", "http://127.0.0.1:1", "--user", "elastic", "--password-env", "KIT_PASSWORD", "--report",
                reports.toString());
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).contains("cannot reach http://127.0.0.1:1").doesNotContain(ReferenceServer.PASSWORD);
        assertThat(run.out()).doesNotContain("PASSED").doesNotContain("FAILED");
        String junit = Files.readString(reports.resolve("junit.xml"));
        assertThat(junit).contains("errors=\"1\"").contains("failures=\"0\"")
                .contains("<error type=\"target-unusable\" message=\"cannot reach http://127.0.0.1:1");
        assertThat(Files.readString(reports.resolve("summary.json"))).contains("\"gate\" : \"error\"");
    }

    @Test
    void waitForGivesUpAfterItsDeadline() {
        long started = System.nanoTime();
        Run run = run("--url", "http://127.0.0.1:1", "--wait-for", "1");
        assertThat(run.exit()).isEqualTo(3);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void wrongCredentialsExitWithThree() {
        Run run = run("--url", ReferenceServer.url(), "--user", "elastic", "--password-env", "WRONG");
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).contains("authentication failed").contains("answered 401");
    }

    @Test
    void includeAndExcludeFilterTheListAndTheRun() {
        Run list = run("--list", "--include", "^negative\\.", "--exclude", "unknown");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).contains("negative.unsortable-field").doesNotContain("negative.unknown-job")
                .doesNotContain("records.");
    }

    @Test
    void aConfigurationFileGivesTheSettingsWithEnvironmentReferencesAndFlagsOverrideIt(@TempDir Path directory)
            throws Exception {
        Path file = directory.resolve("anomalykit-kit.yaml");
        Files.writeString(file, """
                url: ${KIT_URL}
                user: elastic
                password-env: KIT_PASSWORD
                include: ["^negative\\\\.unknown-job$", "^records\\\\.legacy-prefix$"]
                opt-out: {records.legacy-prefix: "we never served _xpack"}
                level: optional
                """);
        Run run = run(Map.of("KIT_PASSWORD", ReferenceServer.PASSWORD, "KIT_URL", ReferenceServer.url()),
                "--config", file.toString(), "--level", "recommended");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("PASSED  [negative.unknown-job]")
                .contains("SKIPPED [records.legacy-prefix]")
                .containsPattern("(?m)^conformance: 1 passed, 0 failed, 1 skipped$");
        Run unset = run(Map.of("KIT_PASSWORD", "x"), "--config", file.toString());
        assertThat(unset.exit()).isEqualTo(2);
        assertThat(unset.err()).contains("environment variable KIT_URL is not set");
    }

    @Test
    void maxFailuresStopsTheRun() throws Exception {
        try (BreakingProxy proxy = new BreakingProxy(ReferenceServer.url(), SuiteBehaviourTest.LENIENT_SORT)) {
            Run run = run("--url", proxy.url(), "--user", "elastic", "--password-env", "KIT_PASSWORD", "--include",
                    "^negative\\.", "--strict", "--max-failures", "1");
            assertThat(run.exit()).isEqualTo(1);
            assertThat(run.out()).contains("FAILED  [negative.unsortable-field]").contains("gate: failed")
                    .containsPattern("(?m)SKIPPED \\[negative\\.\\S+]");
        }
    }
}
