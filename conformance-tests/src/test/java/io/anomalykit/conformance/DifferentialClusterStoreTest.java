package io.anomalykit.conformance;

import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.config.Setting;
import io.anomalykit.conformance.diff.Exploration;
import io.anomalykit.conformance.junit.Conformance;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.Target;
import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.security.SecuritySettings;
import io.anomalykit.server.store.ClusterSettings;
import io.anomalykit.server.store.OpenSearchNodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differential proof where no Elasticsearch runs: the reference server on its embedded store as the reference,
 * and the same server on the cluster store (a real OpenSearch node) as the target, agree on every case and on the
 * whole exploration set — so whatever the comparison reports elsewhere is a difference of behaviour, not of storage.
 * Like the server's cluster-store tests, it is skipped only when the node module has not been built; a node that is
 * built but does not start fails it.
 */
class DifferentialClusterStoreTest {

    private static OpenSearchNodeProcess node;
    private static AnomalyServer onTheCluster;

    @BeforeAll
    static void startTheServerOnANode() throws Exception {
        Optional<Path> classpath = OpenSearchNodeProcess.builtClasspath();
        Assumptions.assumeTrue(classpath.isPresent(), "the opensearch-node module has not been built");
        node = OpenSearchNodeProcess.start(classpath.get(), Files.createTempDirectory("anomalykit-opensearch"), "1g");
        onTheCluster = AnomalyServer.builder().port(0).clusterStore(ClusterSettings.of(node.url()))
                .security(new SecuritySettings(true, null, ReferenceServer.PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
    }

    @AfterAll
    static void stop() throws Exception {
        if (onTheCluster != null) {
            onTheCluster.close();
        }
        if (node != null) {
            node.close();
        }
    }

    /**
     * The one known disagreement, found by this test: a conditional write ({@code if_seq_no}) on a missing document
     * is refused by the cluster store without the {@code shard} that Elasticsearch's version_conflict_engine_exception
     * carries (an EngineException names its shard; the embedded store's WriteCondition.conflict writes it). A server
     * bug, accepted here so that everything else stays proven; remove the entry once the cluster store writes it.
     */
    private static final String KNOWN = """
            - cause: missing field /error/shard
              reason: the cluster store's version conflict on a missing document lacks shard (server bug)
            - cause: missing field /items/[]/index/error/shard
              reason: the same, inside a _bulk item
            """;

    @Test
    void theEmbeddedAndTheClusterStoreAgreeOnEveryCaseAndTheExplorationSet(@TempDir Path directory) throws Exception {
        Target reference = ReferenceServer.target(ReferenceServer.url()).build();
        Target target = ReferenceServer.target("http://127.0.0.1:" + onTheCluster.port()).build();
        Path accepted = Files.writeString(directory.resolve("accepted.yaml"), KNOWN);
        KitConfig config = KitConfig.builder().reference(ReferenceServer.url())
                .set(Setting.ACCEPT_DIFFERENCES, accepted.toString()).build(Map.of());

        long started = System.nanoTime();
        RunRecord run = Conformance.run(target, reference, config);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        System.out.println("differential run, embedded vs cluster store, " + run.outcomes().size() + " cases ("
                + config.explorationSize() + " explored): " + seconds + " s");

        assertThat(run.error()).isNull();
        assertThat(run.differential().findings().stream().filter(f -> f.accepted() == null).toList())
                .as(() -> run.gatingFailures().stream().limit(5).map(Outcome::message).collect(Collectors.joining("\n")))
                .isEmpty();
        assertThat(run.passed()).isTrue();
        long explored = run.outcomes().stream().filter(o -> o.testCase().kind().equals(Exploration.KIND)
                && o.result() == Outcome.Result.PASSED).count();
        assertThat(explored).isEqualTo(KitConfig.DEFAULT_EXPLORATION_SIZE);
    }
}
