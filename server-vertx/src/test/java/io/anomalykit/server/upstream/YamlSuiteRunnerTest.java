package io.anomalykit.server.upstream;

import io.anomalykit.server.TestServer;
import io.anomalykit.server.upstream.YamlSuiteRunner.Outcome;
import io.anomalykit.server.upstream.YamlSuiteRunner.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The runner itself, on a suite of our own in Elasticsearch's format: what passes, fails, is skipped or is beyond the
 * runner is told apart, so a failure in the upstream report is the server's and not the runner's.
 */
class YamlSuiteRunnerTest {

    private static final String SUITE = """
            setup:
              - do:
                  ml.put_job:
                    job_id: runner-self-test
                    body: >
                      {"analysis_config": {"detectors": [{"function": "count"}]}, "data_description": {}}
            ---
            teardown:
              - do:
                  ml.delete_job:
                    job_id: runner-self-test
                    ignore: 404
            ---
            "every assertion holds":
              - do:
                  ml.get_jobs:
                    job_id: runner-self-test
              - match: { count: 1 }
              - match: { jobs.0.job_id: "/^runner-.*-test$/" }
              - set: { jobs.0.job_id: id }
              - match: { jobs.0.job_id: $id }
              - length: { jobs: 1 }
              - is_true: jobs.0.analysis_config
              - is_false: jobs.0.no_such_field
              - gte: { count: 1 }
              - lt: { count: 2 }
              - do:
                  catch: missing
                  ml.get_jobs:
                    job_id: "${id}-missing"
              - do:
                  catch: /No known job with id 'nowhere'/
                  ml.get_influencers:
                    job_id: nowhere
            ---
            "a false match fails":
              - do:
                  ml.get_jobs:
                    job_id: runner-self-test
              - match: { count: 99 }
            ---
            "an unexpected error fails":
              - do:
                  ml.get_jobs:
                    job_id: not-there
            ---
            "skipped by version":
              - skip:
                  version: "8.0.0 - "
                  reason: runs before 8 only
              - match: { never: checked }
            ---
            "not skipped by an older range":
              - skip:
                  version: " - 7.99.99"
                  reason: 8.19 is outside
              - do:
                  ml.get_jobs:
                    job_id: runner-self-test
              - match: { count: 1 }
            ---
            "skipped for a runner feature":
              - skip:
                  features: some_feature_no_runner_has
              - match: { never: checked }
            ---
            "an API the runner cannot route is its own error":
              - do:
                  no.such_api: {}
            """;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.empty();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void passesFailuresSkipsAndRunnerGapsAreToldApart(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("self.yml"), SUITE);
        AtomicInteger wipes = new AtomicInteger();
        List<Outcome> outcomes = new YamlSuiteRunner(server.baseUrl(), TestServer.SUPERUSER_AUTHORIZATION, null)
                .run(file, wipes::incrementAndGet);

        assertThat(outcomes).extracting(Outcome::test, Outcome::status).containsExactly(
                tuple("every assertion holds", Status.PASS),
                tuple("a false match fails", Status.FAIL),
                tuple("an unexpected error fails", Status.FAIL),
                tuple("skipped by version", Status.SKIP),
                tuple("not skipped by an older range", Status.PASS),
                tuple("skipped for a runner feature", Status.SKIP),
                tuple("an API the runner cannot route is its own error", Status.ERROR));
        assertThat(outcomes.get(1).detail()).isEqualTo("match count: expected 99 but was 1");
        assertThat(outcomes.get(2).detail()).startsWith("do ml.get_jobs: 404 ");
        assertThat(wipes).as("a wipe after every test, as ESRestTestCase does").hasValue(outcomes.size());
        assertThat(server.get("/_ml/anomaly_detectors/runner-self-test").status()).as("the teardown ran").isEqualTo(404);
    }

    @Test
    void versionRangesAreReadAgainst8_19() {
        assertThat(YamlSuiteRunner.versionMatches("all")).isTrue();
        assertThat(YamlSuiteRunner.versionMatches(" - 8.18.99")).isFalse();
        assertThat(YamlSuiteRunner.versionMatches("8.19.0 - ")).isTrue();
        assertThat(YamlSuiteRunner.versionMatches("7.0.0 - 7.17.99, 8.10.0 - 8.19.99")).isTrue();
        assertThat(YamlSuiteRunner.versionMatches("9.0.0 - ")).isFalse();
    }
}
