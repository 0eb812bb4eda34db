package io.anomalykit.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.config.Setting;
import io.anomalykit.conformance.junit.Conformance;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.Cleanup;
import io.anomalykit.conformance.service.Credentials;
import io.anomalykit.conformance.service.Target;
import io.anomalykit.conformance.service.TargetClient;
import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.security.SecuritySettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kit on a cluster it shares: a reference server that already holds jobs, a user, a role and an API key of its own,
 * among them the documented fixtures under their documented ids (loaded as a service without Elasticsearch's seeding
 * APIs would have them). Every kit run leaves the target exactly as it found it, as the list APIs
 * ({@code GET _ml/anomaly_detectors}, {@code _security/user}, {@code _security/role}, {@code _security/api_key}) show.
 */
class SharedClusterTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Credentials ELASTIC = new Credentials.Basic(ReferenceServer.USER, ReferenceServer.PASSWORD);
    private static final CaseLibrary LIBRARY = CaseLibrary.load();

    @TempDir
    static Path files;
    private static AnomalyServer server;
    private static String url;
    private static TargetClient admin;

    @BeforeAll
    static void startAClusterThatHoldsThingsOfItsOwn() throws Exception {
        server = AnomalyServer.builder().port(0).dataDirectory(Files.createDirectory(files.resolve("data")))
                .security(new SecuritySettings(true, null, ReferenceServer.PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
        url = "http://127.0.0.1:" + server.port();
        Target target = ReferenceServer.target(url).build();
        admin = new TargetClient(target);
        // The documented fixtures, under their documented ids: the target's own, never to be deleted by the kit.
        target.seeder().seed(target, LIBRARY.dataset(CaseLibrary.DOCUMENTED_DATASET), new Cleanup());
        expect200("PUT", "/_ml/anomaly_detectors/anomalykit-its-own",
                "{\"analysis_config\":{\"bucket_span\":\"1h\",\"detectors\":[{\"function\":\"count\"}]},"
                        + "\"data_description\":{\"time_field\":\"@timestamp\"}}");
        expect200("PUT", "/_security/role/its-own-role", "{\"cluster\":[\"monitor_ml\"]}");
        expect200("PUT", "/_security/user/its-own-user", "{\"password\":\"its-own-password\",\"roles\":[\"its-own-role\"]}");
        expect200("POST", "/_security/api_key", "{\"name\":\"its-own-key\"}");
    }

    @AfterAll
    static void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    @Test
    void aCliRunLeavesNothingBehindAndTouchesNothingItDidNotCreate() {
        JsonNode before = everything();
        CliTest.Run run = CliTest.run("--url", url, "--user", "elastic", "--password-env", "KIT_PASSWORD");
        assertThat(run.exit()).as(run.out()).isZero();
        // The personas were created (their cases passed) under the run's prefix, and deleted again.
        assertThat(run.out()).contains("PASSED  [authorization.records.get.ml-user]");
        assertThat(run.err()).doesNotContain("could not delete");
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void aJUnitRunLeavesNothingBehindAndTouchesNothingItDidNotCreate() {
        JsonNode before = everything();
        RunRecord run = Conformance.run(ReferenceServer.target(url).build(), KitConfig.builder().build(Map.of()));
        Conformance.assertPassed(run);
        assertThat(run.leftBehind()).isEmpty();
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void anExceptionInTheMiddleOfARunStillDeletesWhatItCreated() {
        JsonNode before = everything();
        KitConfig config = KitConfig.builder().set(Setting.INCLUDE, "^authorization\\.").build(Map.of());
        assertThatThrownBy(() -> Conformance.run(ReferenceServer.target(url).build(), config, LIBRARY,
                (outcome, index, total) -> {
                    if (index == 10) {
                        throw new IllegalStateException("the caller gave up");
                    }
                })).hasMessage("the caller gave up");
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void aJobOfTheRunsOwnNameThatIsAlreadyThereFailsTheSeedingAndIsLeftAlone() {
        expect200("PUT", "/_ml/anomaly_detectors/anomalykit-taken-it-ops-kpi",
                "{\"analysis_config\":{\"bucket_span\":\"1h\",\"detectors\":[{\"function\":\"count\"}]},"
                        + "\"data_description\":{\"time_field\":\"@timestamp\"}}");
        JsonNode before = everything();
        RunRecord run = Conformance.run(ReferenceServer.target(url).build(), KitConfig.builder()
                .set(Setting.RUN_PREFIX, "anomalykit-taken-").set(Setting.INCLUDE, "^records\\.desc").build(Map.of()));
        assertThat(run.gatingFailures()).isNotEmpty().allSatisfy(failure -> assertThat(failure.reason()).isEqualTo(
                "seeding failed: the target already holds the job anomalykit-taken-it-ops-kpi, which this run did not"
                        + " create and so will neither overwrite nor delete; choose another run-prefix"));
        assertThat(run.leftBehind()).isEmpty();
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void withoutSeedingTheDocumentedExamplesRunOnTheFixturesAlreadyThereAndTheRestIsSkipped() {
        JsonNode before = everything();
        RunRecord run = Conformance.run(ReferenceServer.target(url).build(),
                KitConfig.builder().set(Setting.NO_SEED, "true").build(Map.of()));
        Conformance.assertPassed(run);
        assertThat(run.outcomes()).filteredOn(o -> o.testCase().id().startsWith("example."))
                .isNotEmpty().allMatch(o -> o.result() == Outcome.Result.PASSED);
        assertThat(run.outcomes()).filteredOn(o -> o.testCase().id().startsWith("generated."))
                .isNotEmpty().allSatisfy(o -> assertThat(o.reason()).isEqualTo("skipped: the run does not seed"
                        + " (no-seed) and the dataset generated is not among the documented fixtures"));
        assertThat(run.outcomes()).filteredOn(o -> o.testCase().id().equals("authorization.records.get.ml-user"))
                .singleElement().satisfies(o -> assertThat(o.reason())
                        .isEqualTo("skipped: no credentials for the persona ml_user"));
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void whatCouldNotBeDeletedIsSaidInTheRecordAndTheReports(@TempDir Path reports) throws IOException {
        Target target = ReferenceServer.target(url).seeder((t, dataset, cleanup) -> cleanup.created("job stubborn",
                () -> {
                    throw new IllegalStateException("DELETE answered 500");
                })).build();
        RunRecord run = Conformance.run(target, KitConfig.builder().set(Setting.INCLUDE, "^records\\.desc\\.default")
                .set(Setting.REPORT, reports.toString()).build(Map.of()));
        assertThat(run.leftBehind()).containsExactly("job stubborn (DELETE answered 500)");
        assertThat(JSON.readTree(reports.resolve("summary.json").toFile()).get("left_behind").get(0).asText())
                .isEqualTo("job stubborn (DELETE answered 500)");
        assertThat(reports.resolve("results.md")).content().contains("| left on the target | job stubborn (DELETE answered 500) |");
    }

    /** Every job, user, role and API key on the target, as its list APIs answer. */
    private static JsonNode everything() {
        ObjectNode all = JSON.createObjectNode();
        all.set("jobs", list("/_ml/anomaly_detectors"));
        all.set("users", list("/_security/user"));
        all.set("roles", list("/_security/role"));
        all.set("api_keys", list("/_security/api_key"));
        return all;
    }

    private static JsonNode list(String path) {
        try {
            return JSON.readTree(expect200("GET", path, null).body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TargetClient.Reply expect200(String method, String path, String body) {
        TargetClient.Reply reply = admin.send(method, path, body, body == null ? null : "application/json", ELASTIC,
                Map.of());
        assertThat(reply.status()).as(method + " " + path + ": " + reply.body()).isEqualTo(200);
        return reply;
    }
}
