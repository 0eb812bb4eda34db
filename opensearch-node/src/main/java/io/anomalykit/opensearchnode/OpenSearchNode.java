package io.anomalykit.opensearchnode;

import org.codelibs.opensearch.runner.OpenSearchRunner;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Starts one OpenSearch node on 127.0.0.1, on free ports, with its data under the directory given as the only
 * argument; prints {@code READY http://127.0.0.1:<port>} once the cluster is at least yellow, and stops when its
 * standard input closes (so a test that starts it cannot leave it behind).
 */
public final class OpenSearchNode {

    private OpenSearchNode() {
    }

    public static void main(String[] args) throws IOException {
        int httpPort = freePort();
        int transportPort = freePort();
        OpenSearchRunner runner = new OpenSearchRunner();
        // The runner looks for a free HTTP port from the base upwards, up to this bound: the first it tries is ours.
        runner.setMaxHttpPort(httpPort + 100);
        runner.onBuild((number, settings) -> {
            settings.put("network.host", "127.0.0.1");
            settings.put("http.port", httpPort);
            settings.put("transport.port", transportPort);
            settings.put("action.auto_create_index", true);
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
        }).build(OpenSearchRunner.newConfigs().basePath(args[0]).numOfNode(1).baseHttpPort(httpPort - 1)
                .clusterName("anomalykit-test").disableESLogger());
        runner.ensureYellow();
        System.out.println("READY http://127.0.0.1:" + httpPort);
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // wait for the parent to go away
            }
        } finally {
            runner.close();
            runner.clean();
            System.exit(0);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
