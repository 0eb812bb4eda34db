package io.anomalykit.server.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import com.fasterxml.jackson.dataformat.smile.SmileGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultsRequestParser;
import io.vertx.ext.web.RoutingContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;

/**
 * The four body formats Elasticsearch reads and writes ({@code XContentType}: JSON, YAML, CBOR, Smile), in one place:
 * which one a request's body is in ({@code Content-Type}), which one its answer is written in ({@code ?format}, then
 * {@code Accept}, then the request's {@code Content-Type}, then JSON, as {@code AbstractRestChannel.newBuilder} decides),
 * reading a body in any of them as the JSON every parser of this server reads, and writing a tree in any of them.
 *
 * <p>JSON bodies and answers never pass through here on the hot path: a JSON body is read as it is, and a JSON answer
 * is copied or written by {@link Responses}.
 */
enum XContentFormat {

    JSON("json", ResultsRequestParser.STRICT_JSON),
    /** Jackson's YAML as Elasticsearch configures it ({@code YamlXContent}): a document starts with {@code ---}. */
    YAML("yaml", YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()),
    CBOR("cbor", CBORFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()),
    /** As {@code SmileXContent}: binary values raw, not as 7-bit. */
    SMILE("smile", SmileFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(SmileGenerator.Feature.ENCODE_BINARY_AS_7BIT).build());

    /** What {@code SmileXContent.streamSeparator()} puts between the documents of a bulk body. */
    static final byte SMILE_SEPARATOR = (byte) 0xFF;

    private final String shortName;
    private final ObjectMapper mapper;

    XContentFormat(String shortName, JsonFactory factory) {
        this.shortName = shortName;
        this.mapper = new ObjectMapper(factory);
    }

    /** The media type Elasticsearch answers with for this format, e.g. {@code application/yaml}. */
    String mediaType() {
        return "application/" + shortName;
    }

    /** As {@code RestController} names a content type in its errors: the enum constant, {@code VND_} for the vendor one. */
    static String esName(String contentType) {
        XContentFormat format = ofMediaType(contentType);
        return format == null ? contentType : (MediaTypes.isVendor(contentType) ? "VND_" : "") + format.name();
    }

    /**
     * The format of a request's body, by its {@code Content-Type} (NDJSON is JSON); null when there is no body type or
     * it is none of the four.
     */
    static XContentFormat ofMediaType(String mediaType) {
        if (mediaType == null || MediaTypes.isRange(mediaType)) {
            return null;
        }
        String base = MediaTypes.base(mediaType);
        String subtype = base.startsWith(MediaTypes.VENDOR) ? base.substring(MediaTypes.VENDOR.length())
                : base.startsWith("application/") ? base.substring("application/".length()) : null;
        if (subtype == null) {
            return null;
        }
        return switch (subtype) {
            case "json", "x-ndjson", "*" -> base.equals(MediaTypes.VENDOR + "*") ? null : JSON;
            case "yaml" -> YAML;
            case "cbor" -> CBOR;
            case "smile" -> SMILE;
            default -> null;
        };
    }

    /** The {@code ?format} value, as {@code XContentType.fromFormat}: a short name, or null for any other value. */
    static XContentFormat ofFormatParameter(String value) {
        if (value == null) {
            return null;
        }
        String name = value.toLowerCase(Locale.ROOT);
        if (name.startsWith("vnd_")) {
            name = name.substring(4);
        }
        for (XContentFormat format : values()) {
            if (format.shortName.equals(name)) {
                return format;
            }
        }
        return null;
    }

    /** The format an answer (success or error) to this request is written in. */
    static XContentFormat forResponse(RoutingContext rc) {
        return forResponse(rc.request().getParam("format"), rc.request().getHeader("accept"),
                rc.request().getHeader("content-type"));
    }

    /** {@code AbstractRestChannel.newBuilder}: the format parameter, then Accept, then the body's type, then JSON. */
    static XContentFormat forResponse(String formatParameter, String accept, String contentType) {
        XContentFormat format = formatParameter == null || formatParameter.isEmpty() ? null
                : ofFormatParameter(formatParameter);
        if (format == null && accept != null && !accept.isBlank()) {
            format = ofMediaType(accept);
        }
        if (format == null) {
            format = ofMediaType(contentType);
        }
        return format == null ? JSON : format;
    }

    /**
     * A request body in this format as JSON bytes, the one form this server's parsers read: JSON is returned as it is,
     * the other formats are read (duplicate keys refused, as Elasticsearch does) and written again as JSON.
     */
    byte[] toJson(byte[] body) {
        if (this == JSON || body.length == 0) {
            return body;
        }
        return toJson(body, 0, body.length);
    }

    private byte[] toJson(byte[] body, int offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length * 2 + 16);
        try (JsonParser parser = mapper.getFactory().createParser(body, offset, length);
             JsonGenerator json = JSON.mapper.getFactory().createGenerator(out)) {
            while (parser.nextToken() != null) {
                json.copyCurrentStructure(parser);
            }
        } catch (JsonParseException e) {
            throw ResultsRequestParser.jsonSyntaxError(e);
        } catch (IOException e) {
            throw EsException.of(400, "x_content_parse_exception", String.valueOf(e.getMessage()));
        }
        return out.toByteArray();
    }

    /**
     * A bulk body in this format as NDJSON. Elasticsearch streams bulk bodies only in JSON and Smile (its
     * {@code RestController} refuses the others with 406); Smile documents are separated by {@code 0xFF}, and a body
     * that does not end with one is refused as {@code BulkRequestParser} refuses it.
     */
    byte[] bulkToNdjson(byte[] body, String contentType) {
        if (this == JSON) {
            return body;
        }
        if (this != SMILE) {
            throw EsException.bareString(406, "Content-Type [" + esName(contentType)
                    + "] does not support stream parsing. Use JSON or SMILE instead");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length * 2 + 16);
        int from = 0;
        while (from < body.length) {
            int next = from;
            while (next < body.length && body[next] != SMILE_SEPARATOR) {
                next++;
            }
            if (next == body.length) {
                throw EsException.illegalArgument("The bulk request must be terminated by a newline [\\n]");
            }
            out.writeBytes(toJson(body, from, next - from));
            out.write('\n');
            from = next + 1;
        }
        return out.toByteArray();
    }

    /** A tree written in this format; JSON is not written here but by {@link Responses}, with its pretty printing. */
    byte[] write(JsonNode tree) {
        try {
            return mapper.writeValueAsBytes(tree);
        } catch (IOException e) {
            // The binary and YAML generators refuse a lone surrogate (a request may echo one back in an error); as a
            // UTF-8 encoder does, it becomes U+FFFD.
            try {
                return mapper.writeValueAsBytes(withoutLoneSurrogates(tree));
            } catch (IOException again) {
                again.addSuppressed(e);
                throw new IllegalStateException("a tree always serialises", again);
            }
        }
    }

    private static JsonNode withoutLoneSurrogates(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(wellFormed(node.textValue()));
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties().forEach(field -> copy.set(wellFormed(field.getKey()), withoutLoneSurrogates(field.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(withoutLoneSurrogates(item)));
            return copy;
        }
        return node;
    }

    private static String wellFormed(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
