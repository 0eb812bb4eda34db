package io.anomalykit.server.http;

/**
 * The Elasticsearch version this server answers as, owned by the REST layer: {@code GET /} reports it, deprecation
 * warnings name it, and jobs created through the REST APIs carry it as their {@code job_version}.
 */
public final class EmulatedVersion {

    /** The version number, as Elasticsearch writes it. */
    public static final String NUMBER = "8.19.0";

    /**
     * The build hash, as {@code GET /} reports it and every {@code Warning} header names it. Not an Elasticsearch
     * commit: {@code unknown} is what Elasticsearch itself reports when it was built outside git, and it matches the
     * warning-header pattern the official clients check.
     */
    public static final String BUILD_HASH = "unknown";

    private EmulatedVersion() {
    }
}
