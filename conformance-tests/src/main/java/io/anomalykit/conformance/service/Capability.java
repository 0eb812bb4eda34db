package io.anomalykit.conformance.service;

/**
 * Optional parts of the APIs a target may lack; cases needing a missing one are skipped, with the reason. A target is
 * taken to have every capability but those that only a newer Elasticsearch has, which it declares with
 * {@link Target.Builder#with}.
 */
public enum Capability {
    /** The deprecated {@code /_xpack/ml/} paths. */
    LEGACY_PREFIX,
    /** A JSON body on GET requests. */
    GET_WITH_BODY,
    /** Data can be put in through Elasticsearch's job, {@code _bulk} and {@code _refresh} APIs. */
    ELASTICSEARCH_SEEDING,
    /** {@code application/vnd.elasticsearch+json; compatible-with=8} media types. */
    COMPATIBLE_MEDIA_TYPES,
    /** Authentication and authorization, with users that can be made through Elasticsearch's security APIs. */
    SECURITY,
    /**
     * Requests asking for REST API version 7 ({@code compatible-with=7}) are answered, as Elasticsearch 8.x answers
     * them; 9.x refuses them (its oldest supported REST API version is 8).
     */
    REST_API_V7,
    /**
     * Requests asking for REST API version 9 ({@code compatible-with=9}) are answered, as Elasticsearch 9.x does;
     * Elasticsearch 8.x refuses them, so a target has it only when it says so.
     */
    REST_API_V9(false);

    private final boolean assumed;

    Capability() {
        this(true);
    }

    Capability(boolean assumed) {
        this.assumed = assumed;
    }

    /** Whether a target has it unless it declares otherwise. */
    boolean assumed() {
        return assumed;
    }
}
