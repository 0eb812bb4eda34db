package io.anomalykit.conformance;

import io.anomalykit.conformance.cli.Main;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI runs the same cases as the JUnit suite and exits by the required cases. */
class CliTest {

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, Map.of("KIT_PASSWORD", ReferenceServer.PASSWORD), new PrintStream(out, true, StandardCharsets.UTF_8),
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
        assertThat(run("--url", "http://127.0.0.1:1", "--user", "elastic").err()).contains("--password-env");
        assertThat(run("--url", "http://127.0.0.1:1", "--user", "elastic", "--password-env", "NOT_SET").err())
                .contains("NOT_SET is not set");
    }

    @Test
    void anUnreachableTargetFailsTheRequiredCases() {
        Run run = run("--url", "http://127.0.0.1:1", "--user", "elastic", "--password-env", "KIT_PASSWORD", "--include",
                "^negative\\.unknown-job$");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).contains("cannot reach http://127.0.0.1:1").doesNotContain(ReferenceServer.PASSWORD);
    }
}
