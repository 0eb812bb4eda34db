package io.anomalykit.server.http;

/**
 * Deprecation warnings as Elasticsearch writes them ({@code HeaderWarning}): warn code 299, the agent
 * {@code Elasticsearch-<version>-<build hash>}, and the quoted text.
 */
final class Warnings {

    private Warnings() {
    }

    static String header(String message) {
        return "299 Elasticsearch-" + EmulatedVersion.NUMBER + "-" + EmulatedVersion.BUILD_HASH + " \""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
