package io.anomalykit.server.http;

/**
 * The Elasticsearch version this server answers as, owned by the REST layer: {@code GET /} reports it, deprecation
 * warnings name it, and jobs created through the REST APIs carry it as their {@code job_version}.
 */
public final class EmulatedVersion {

    /** The version number, as Elasticsearch writes it. */
    public static final String NUMBER = "8.19.0";

    private EmulatedVersion() {
    }
}
