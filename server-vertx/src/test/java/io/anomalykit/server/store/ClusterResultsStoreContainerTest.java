package io.anomalykit.server.store;

import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.net.URI;
import java.time.Duration;

/**
 * The cluster store against OpenSearch's own image, where Docker exists; skipped cleanly where it does not (our CI
 * machines have no Docker engine, and {@link ClusterResultsStoreTest} covers them).
 */
@Testcontainers(disabledWithoutDocker = true)
class ClusterResultsStoreContainerTest extends ClusterStoreContract {

    @Container
    private static final GenericContainer<?> OPENSEARCH = new GenericContainer<>("opensearchproject/opensearch:2.19.1")
            .withEnv("discovery.type", "single-node")
            .withEnv("DISABLE_SECURITY_PLUGIN", "true")
            .withEnv("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx1g")
            .withExposedPorts(9200)
            .waitingFor(Wait.forHttp("/_cluster/health?wait_for_status=yellow").forPort(9200)
                    .withStartupTimeout(Duration.ofMinutes(3)));

    @BeforeAll
    static void locate() {
        url = URI.create("http://" + OPENSEARCH.getHost() + ":" + OPENSEARCH.getMappedPort(9200));
    }
}
