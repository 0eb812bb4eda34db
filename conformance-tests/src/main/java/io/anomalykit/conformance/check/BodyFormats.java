package io.anomalykit.conformance.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The body formats Elasticsearch speaks ({@code XContentType}: JSON, YAML, CBOR, Smile): a case's JSON body written in
 * one of them, and an answer read by its {@code Content-Type}, so that every check compares trees whatever the format.
 */
public final class BodyFormats {

    /** The formats a case may send its body in, by their {@code ?format} names. */
    public static final List<String> NAMES = List.of("json", "yaml", "cbor", "smile");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, ObjectMapper> MAPPERS = Map.of("json", JSON,
            "yaml", new ObjectMapper(new YAMLFactory()),
            "cbor", new ObjectMapper(new CBORFactory()),
            "smile", new ObjectMapper(new SmileFactory()));

    private BodyFormats() {
    }

    /** {@code application/yaml} and the like. */
    public static String mediaType(String format) {
        return "application/" + format;
    }

    /** A JSON tree written in {@code format}. */
    public static byte[] encode(String format, JsonNode body) {
        try {
            return MAPPERS.get(format).writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The format of an answer by its {@code Content-Type}, plain or vendor ({@code application/vnd.elasticsearch+cbor});
     * JSON when the header is missing or names none of the four.
     */
    public static String ofContentType(String contentType) {
        if (contentType == null) {
            return "json";
        }
        String base = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        String subtype = base.substring(base.lastIndexOf('/') + 1);
        subtype = subtype.substring(subtype.lastIndexOf('+') + 1);
        return MAPPERS.containsKey(subtype) ? subtype : "json";
    }

    /** An answer's body read as a tree by its {@code Content-Type}; an empty body is a missing node. */
    public static JsonNode decode(String contentType, byte[] body) throws IOException {
        if (body == null || body.length == 0) {
            return JSON.missingNode();
        }
        JsonNode tree = MAPPERS.get(ofContentType(contentType)).readTree(body);
        return tree == null ? JSON.missingNode() : tree;
    }
}
