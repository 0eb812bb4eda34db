package io.anomalykit.server.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The cluster store against a real OpenSearch 2.19.1 node that the build provides without Docker: the
 * {@code opensearch-node} module, run in a JVM of its own (see {@link OpenSearchNodeProcess}) on 127.0.0.1.
 */
class ClusterResultsStoreTest extends ClusterStoreContract {

    private static OpenSearchNodeProcess node;

    @BeforeAll
    static void startNode() throws Exception {
        Optional<Path> classpath = OpenSearchNodeProcess.builtClasspath();
        Assumptions.assumeTrue(classpath.isPresent(), "the opensearch-node module has not been built");
        node = OpenSearchNodeProcess.start(classpath.get(), Files.createTempDirectory("anomalykit-opensearch"), "1g");
        url = node.url();
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }
}
