package io.anomalykit.server.store;

import java.net.URI;

/**
 * Where a search cluster is and how to reach it, for the cluster stores.
 *
 * @param url             the cluster's HTTP address, e.g. {@code http://127.0.0.1:9200}
 * @param username        Basic credentials, or null for none
 * @param password        with {@code username}
 * @param caCertificate   a PEM file to trust for HTTPS, or null for the JVM's trust store
 * @param timeoutMillis   how long one call may take
 * @param refreshInterval the results index's {@code refresh_interval} when the results store creates it ({@code 1s} as
 *                        in Elasticsearch; {@code -1} publishes only on refresh)
 * @param readOnly        serve what the cluster holds without installing, creating or writing anything, for a user who
 *                        may only read; writes are refused with a {@code cluster_block_exception}
 */
public record ClusterSettings(URI url, String username, String password, String caCertificate, long timeoutMillis,
                              String refreshInterval, boolean readOnly) {

    public static ClusterSettings of(URI url) {
        return new ClusterSettings(url, null, null, null, 30_000, "1s", false);
    }

    public ClusterSettings asReadOnly() {
        return new ClusterSettings(url, username, password, caCertificate, timeoutMillis, refreshInterval, true);
    }

    @Override
    public String toString() {
        // Never print the password.
        return "ClusterSettings[url=" + url + ", username=" + username + ", timeoutMillis=" + timeoutMillis
                + ", readOnly=" + readOnly + "]";
    }
}
