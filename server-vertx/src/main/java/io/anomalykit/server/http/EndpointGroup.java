package io.anomalykit.server.http;

/** The API groups a router can serve; a host picks the ones its users need. */
public enum EndpointGroup {
    /** The ML results APIs and the probes clients make first ({@code GET /}, {@code _cluster/health}, {@code _security/_authenticate}). */
    RESULTS,
    /** Creating and reading jobs and writing results: {@code _ml/anomaly_detectors/<job>}, {@code _bulk}, {@code _doc}, {@code _create}, {@code _refresh}. */
    SEEDING,
    /** Managing native users, roles and API keys under {@code _security}. */
    SECURITY
}
