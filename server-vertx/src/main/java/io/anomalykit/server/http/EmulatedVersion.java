package io.anomalykit.server.http;

import io.anomalykit.server.error.EsException;

import java.util.Locale;

/**
 * The Elasticsearch version this server answers as, chosen at start ({@code --compatibility 8|9}) and owned by the
 * REST layer: {@code GET /} reports it, the REST API versions a request may ask for with {@code compatible-with}
 * follow from it and deprecation warnings name it. Jobs carry the ML configuration version instead
 * ({@link #mlConfigVersion()}).
 */
public enum EmulatedVersion {

    /**
     * Elasticsearch 8.19: REST API versions 8 and 7 ({@code RestApiVersion.V_8} current, {@code V_7} previous); the
     * {@code _xpack/ml} paths are registered, for REST API version 7 only ({@code RestGetRecordsAction.routes()}:
     * {@code Route.builder(...).replaces(..., RestApiVersion.V_7)}), and this server answers them for any request, with
     * the deprecation warning (a documented leniency, {@code records.legacy-prefix}).
     */
    V8(8, "8.19.0", org.apache.lucene.util.Version.LATEST.toString(), "7.17.0", "7.0.0", true),

    /**
     * Elasticsearch 9.x at the minor of the 9.5 clients: REST API versions 9 and 8 ({@code RestApiVersion}: {@code V_9}
     * current, {@code V_8} previous and minimum supported); {@code RestGetRecordsAction.routes()} and
     * {@code RestGetInfluencersAction.routes()} register the {@code _ml} paths only, so {@code _xpack/ml} finds no
     * handler. Lucene 10.4 is what the 9.4 line of Elasticsearch's {@code build-tools-internal/version.properties}
     * names; the 9.x wire and index compatibility floors are 8.19 and 8.0.
     */
    V9(9, "9.5.0", "10.4.0", "8.19.0", "8.0.0", false);

    /** The default: what the server emulated before the setting existed. */
    public static final EmulatedVersion DEFAULT = V8;

    /**
     * The build hash, as {@code GET /} reports it and every {@code Warning} header names it. Not an Elasticsearch
     * commit: {@code unknown} is what Elasticsearch itself reports when it was built outside git, and it matches the
     * warning-header pattern the official clients check.
     */
    public static final String BUILD_HASH = "unknown";

    private final int major;
    private final String number;
    private final String luceneVersion;
    private final String minimumWireCompatibilityVersion;
    private final String minimumIndexCompatibilityVersion;
    private final boolean servesXpackPrefix;

    EmulatedVersion(int major, String number, String luceneVersion, String minimumWireCompatibilityVersion,
                    String minimumIndexCompatibilityVersion, boolean servesXpackPrefix) {
        this.major = major;
        this.number = number;
        this.luceneVersion = luceneVersion;
        this.minimumWireCompatibilityVersion = minimumWireCompatibilityVersion;
        this.minimumIndexCompatibilityVersion = minimumIndexCompatibilityVersion;
        this.servesXpackPrefix = servesXpackPrefix;
    }

    /**
     * The page the flood-stage block's message points to ({@code ReferenceDocs.FLOOD_STAGE_WATERMARK}). 8.19's is what
     * an 8.19 node writes in that message; 9.x's is the same page under the 9.x documentation's address (UNVERIFIED).
     */
    public String floodStageDocsLink() {
        return major == 8 ? "https://www.elastic.co/guide/en/elasticsearch/reference/8.19/fix-watermark-errors.html"
                : "https://www.elastic.co/docs/troubleshoot/elasticsearch/fix-watermark-errors";
    }

    /** The setting's value: {@code 8} or {@code 9}. */
    public static EmulatedVersion ofMajor(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "8" -> V8;
            case "9" -> V9;
            default -> throw new IllegalArgumentException("compatibility must be 8 or 9, not [" + text + "]");
        };
    }

    public int major() {
        return major;
    }

    /** The version number, as Elasticsearch writes it in {@code GET /} and warnings. */
    public String number() {
        return number;
    }

    /**
     * The {@code job_version} of jobs created now. Since 8.10 ML configurations carry their own version, detached from
     * the stack's ({@code MlConfigVersion}); {@code MlConfigVersion.CURRENT} is {@code V_12}, written "12.0.0", in 8.19
     * and, as far as the 9.x sources stored here show, unchanged in 9.x.
     */
    public String mlConfigVersion() {
        return ML_CONFIG_VERSION;
    }

    private static final String ML_CONFIG_VERSION = "12.0.0";

    public String luceneVersion() {
        return luceneVersion;
    }

    public String minimumWireCompatibilityVersion() {
        return minimumWireCompatibilityVersion;
    }

    public String minimumIndexCompatibilityVersion() {
        return minimumIndexCompatibilityVersion;
    }

    /** The oldest REST API version a request may ask for ({@code RestApiVersion.minimumSupported()}). */
    public int minimumRestApiMajor() {
        return major - 1;
    }

    /** Whether the {@code /_xpack/ml/} paths are answered at all. */
    public boolean servesXpackPrefix() {
        return servesXpackPrefix;
    }

    /**
     * A {@code Warning} header value as Elasticsearch's {@code HeaderWarning} writes it: warn code 299, the agent
     * {@code Elasticsearch-<version>-<build hash>}, and the quoted text.
     */
    String warning(String message) {
        return "299 Elasticsearch-" + number + "-" + BUILD_HASH + " \""
                + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * The REST API versions a request asks for, judged as {@code RestCompatibleVersionHelper.getCompatibleVersion}
     * does: each {@code compatible-with} must lie between {@link #minimumRestApiMajor()} and {@link #major()}; the
     * failure surfaces as {@code RestRequest}'s {@code MediaTypeHeaderException} naming both headers.
     *
     * @param accept      the Accept header as the media-type parser kept it (null when absent or a media range)
     * @param contentType the Content-Type header, looked at only when the request has a body
     */
    void checkRequestedVersions(String accept, String contentType, boolean hasContent) {
        Integer acceptVersion = MediaTypes.compatibleWith(accept);
        if (acceptVersion != null && outOfRange(acceptVersion)) {
            throw headerFailure("Accept version must be either version " + major + " or " + minimumRestApiMajor()
                    + ", but found " + acceptVersion + ". Accept=" + accept);
        }
        Integer contentVersion = hasContent ? MediaTypes.compatibleWith(contentType) : null;
        if (contentVersion != null && outOfRange(contentVersion)) {
            throw headerFailure("Content-Type version must be either version " + major + " or " + minimumRestApiMajor()
                    + ", but found " + contentVersion + ". Content-Type=" + contentType);
        }
    }

    /**
     * The REST API version a request is answered in ({@code RestRequest.getRestApiVersion}): the version the Accept
     * header asks for, else the one a body's Content-Type asks for, else this server's major. Call after
     * {@link #checkRequestedVersions}.
     */
    int requestedRestApiMajor(String accept, String contentType, boolean hasContent) {
        Integer acceptVersion = MediaTypes.compatibleWith(accept);
        Integer contentVersion = hasContent ? MediaTypes.compatibleWith(contentType) : null;
        return acceptVersion != null ? acceptVersion : contentVersion != null ? contentVersion : major;
    }

    /** Elasticsearch accepts no REST API version newer than its own major, nor older than the one before. */
    private boolean outOfRange(int version) {
        return version > major || version < minimumRestApiMajor();
    }

    private static EsException headerFailure(String reason) {
        return EsException.of(400, "media_type_header_exception", "Invalid media-type value on headers [Accept, Content-Type]",
                EsException.of(400, "status_exception", reason));
    }
}
