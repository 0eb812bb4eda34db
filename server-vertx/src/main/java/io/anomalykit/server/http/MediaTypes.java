package io.anomalykit.server.http;

import io.anomalykit.server.error.EsException;

import java.util.Locale;
import java.util.Set;

/**
 * Content types as Elasticsearch accepts them: JSON and NDJSON, YAML, CBOR and Smile ({@code XContentType}), plain or as
 * the versioned {@code application/vnd.elasticsearch+json; compatible-with=N} the official clients send.
 */
final class MediaTypes {

    /** The vendor media types' prefix: {@code application/vnd.elasticsearch+json}, {@code +yaml}, … */
    static final String VENDOR = "application/vnd.elasticsearch+";

    private static final Set<String> ACCEPTED = Set.of("application/json", "application/x-ndjson",
            "application/vnd.elasticsearch+json", "application/vnd.elasticsearch+x-ndjson",
            "application/yaml", "application/cbor", "application/smile",
            "application/vnd.elasticsearch+yaml", "application/vnd.elasticsearch+cbor", "application/vnd.elasticsearch+smile");

    private MediaTypes() {
    }

    /** Checks the Content-Type of a request that has a body. */
    static void checkRequestBody(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            throw EsException.bareString(406, "Content-Type header is missing");
        }
        String base = base(contentType);
        if (!ACCEPTED.contains(base)) {
            throw EsException.bareString(406, "Content-Type header [" + contentType + "] is not supported");
        }
        checkVersion(contentType, "Content-Type");
    }

    /**
     * The types a browser may send without a preflight that Vert.x would decode as a form; Elasticsearch refuses every
     * such body ({@code RestController.isContentTypeDisallowed}).
     */
    static boolean isForm(String contentType) {
        if (contentType == null) {
            return false;
        }
        String base = base(contentType);
        return base.equals("multipart/form-data") || base.equals("application/x-www-form-urlencoded");
    }

    /**
     * A header value holding a comma is a media range, which {@code ParsedMediaType.parseMediaType} reads as no media
     * type at all: such an {@code Accept} is ignored.
     */
    static boolean isRange(String value) {
        return value != null && value.indexOf(',') >= 0;
    }

    static void checkAccept(String accept) {
        if (accept != null && !isRange(accept) && isVendor(accept)) {
            checkVersion(accept, "Accept");
        }
    }

    /** The answer's format as its plain media type, or as the versioned vendor type when the client asked with one. */
    static String responseType(XContentFormat format, String accept, String contentType) {
        String asked = accept != null && !isRange(accept) && isVendor(accept) ? accept
                : contentType != null && isVendor(contentType) ? contentType : null;
        String version = asked == null ? null : version(asked);
        return version == null ? format.mediaType()
                : VENDOR + format.name().toLowerCase(Locale.ROOT) + ";compatible-with=" + version;
    }

    private static void checkVersion(String value, String header) {
        if (isVendor(value)) {
            String version = version(value);
            // Only the syntax here; which versions are served depends on the emulated version (EmulatedVersion).
            if (version == null || !version.matches("\\d{1,2}")) {
                throw EsException.of(400, "media_type_header_exception",
                        "Invalid media-type value on headers [" + header + "]");
            }
        }
    }

    /**
     * The {@code compatible-with} version a header asks for, or null. A value with a comma is a media range, which
     * Elasticsearch's {@code ParsedMediaType.parseMediaType} treats as no header at all.
     */
    static Integer compatibleWith(String value) {
        if (value == null || isRange(value) || !isVendor(value)) {
            return null;
        }
        String version = version(value);
        return version == null || !version.matches("\\d{1,2}") ? null : Integer.valueOf(version);
    }


    /** Whether a media type is one of the vendor types, whatever its format and parameters. */
    static boolean isVendor(String value) {
        return value != null && base(value).startsWith(VENDOR);
    }

    /** A media type without its parameters, lower-cased. */
    static String base(String value) {
        int semicolon = value.indexOf(';');
        return (semicolon < 0 ? value : value.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static String version(String value) {
        for (String parameter : value.split(";")) {
            String[] pair = parameter.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("compatible-with")) {
                return pair[1].trim();
            }
        }
        return null;
    }
}
