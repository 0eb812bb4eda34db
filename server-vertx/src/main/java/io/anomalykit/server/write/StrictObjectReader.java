package io.anomalykit.server.write;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultsRequestParser;
import io.anomalykit.server.query.Suggestions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Elasticsearch's strict {@code ObjectParser} over a streaming JSON parser: declared fields only ("unknown field" with
 * its suggestions), each value checked against the tokens its {@code ValueType} accepts ("doesn't support values of
 * type"), and any failure while reading or building a value wrapped as "[parser] failed to parse field [name]" at the
 * token the failure was met on — so a failure deep in a job configuration reads, like Elasticsearch's, as a chain of
 * {@code x_content_parse_exception}s ending in the cause.
 */
final class StrictObjectReader {

    static final ObjectMapper JSON = new ObjectMapper();

    /** How one declared field's value is read, once its first token has been accepted. */
    interface ValueReader {
        JsonNode read(JsonParser parser) throws IOException;
    }

    /** The value types job configurations use, with the tokens each accepts ({@code ObjectParser.ValueType}). */
    enum ValueType {
        STRING(JsonToken.VALUE_STRING),
        STRING_OR_NULL(JsonToken.VALUE_STRING, JsonToken.VALUE_NULL),
        LONG(JsonToken.VALUE_NUMBER_INT, JsonToken.VALUE_NUMBER_FLOAT, JsonToken.VALUE_STRING),
        BOOLEAN(JsonToken.VALUE_TRUE, JsonToken.VALUE_FALSE, JsonToken.VALUE_STRING),
        STRING_ARRAY(JsonToken.START_ARRAY, JsonToken.VALUE_STRING),
        OBJECT(JsonToken.START_OBJECT),
        OBJECT_ARRAY(JsonToken.START_OBJECT, JsonToken.START_ARRAY),
        OBJECT_OR_STRING(JsonToken.START_OBJECT, JsonToken.VALUE_STRING),
        VALUE(JsonToken.VALUE_STRING, JsonToken.VALUE_NUMBER_INT, JsonToken.VALUE_NUMBER_FLOAT, JsonToken.VALUE_TRUE,
                JsonToken.VALUE_FALSE, JsonToken.VALUE_NULL);

        private final Set<JsonToken> tokens;

        ValueType(JsonToken first, JsonToken... rest) {
            this.tokens = EnumSet.of(first, rest);
        }
    }

    /** What a field's setter does with a value once the object exists; it may fail. */
    interface Setter {
        void apply(JsonNode value);
    }

    /** What building the object checks of its constructor arguments; it may fail. */
    interface Constructor {
        void build(ObjectNode values);
    }

    private record Field(ValueType type, ValueReader reader, Setter setter) {
    }

    private final String name;
    private final Map<String, Field> fields = new LinkedHashMap<>();
    private final List<String> constructorArguments = new ArrayList<>();
    private final List<String> requiredArguments = new ArrayList<>();
    private Constructor constructor = values -> { };

    StrictObjectReader(String name) {
        this.name = name;
    }

    /** A field read as its type reads scalars and arrays of strings. */
    StrictObjectReader declare(String field, ValueType type) {
        return declare(field, type, parser -> scalar(parser, type));
    }

    StrictObjectReader declare(String field, ValueType type, ValueReader reader) {
        return declare(field, type, reader, value -> { });
    }

    /** A field whose setter checks the value, once the object exists ({@code ConstructingObjectParser} queues it till then). */
    StrictObjectReader declare(String field, ValueType type, ValueReader reader, Setter setter) {
        fields.put(field, new Field(type, reader, setter));
        return this;
    }

    /**
     * Makes this a {@code ConstructingObjectParser}: the object is built once all of {@code arguments} have arrived,
     * or at its end if only optional ones are missing ({@code required} missing: "Required [...]"); setters met before
     * then wait, and a failure while building is "Failed to build [name] after last required field arrived".
     */
    StrictObjectReader constructedFrom(List<String> arguments, List<String> required, Constructor build) {
        constructorArguments.addAll(arguments);
        requiredArguments.addAll(required);
        constructor = build;
        return this;
    }

    /** The object the parser is on (its START_OBJECT), field by field; the parser is left on its END_OBJECT. */
    ObjectNode read(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw error(parser, "[" + name + "] Expected START_OBJECT but was: "
                    + ResultsRequestParser.tokenName(parser.currentToken()), null);
        }
        ObjectNode values = JSON.createObjectNode();
        List<Runnable> queued = new ArrayList<>();
        boolean built = constructorArguments.isEmpty();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String fieldName = parser.currentName();
            Field field = fields.get(fieldName);
            if (field == null) {
                throw error(parser, "[" + name + "] unknown field [" + fieldName + "]"
                        + Suggestions.parserSuffix(fieldName, fields.keySet()), null);
            }
            JsonToken token = parser.nextToken();
            if (!field.type().tokens.contains(token)) {
                throw error(parser, "[" + name + "] " + fieldName + " doesn't support values of type: "
                        + ResultsRequestParser.tokenName(token), null);
            }
            try {
                JsonNode value = field.reader().read(parser);
                values.set(fieldName, value);
                if (built) {
                    field.setter().apply(value);
                } else {
                    JsonLocation location = parser.currentTokenLocation();
                    queued.add(() -> {
                        try {
                            field.setter().apply(value);
                        } catch (EsException failure) {
                            throw EsException.parse(location.getLineNr(), location.getColumnNr(),
                                    "[" + name + "] failed to parse field [" + fieldName + "]", failure);
                        }
                    });
                    if (constructorArguments.stream().allMatch(values::has)) {
                        build(values, queued);
                        built = true;
                    }
                }
            } catch (EsException failure) {
                throw error(parser, "[" + name + "] failed to parse field [" + fieldName + "]", failure);
            }
        }
        if (!built) {
            List<String> missing = requiredArguments.stream().filter(argument -> !values.has(argument)).toList();
            if (!missing.isEmpty()) {
                throw EsException.illegalArgument("Required [" + String.join(", ", missing) + "]");
            }
            build(values, queued);
        }
        return values;
    }

    private void build(ObjectNode values, List<Runnable> queued) {
        try {
            constructor.build(values);
            queued.forEach(Runnable::run);
        } catch (EsException failure) {
            throw EsException.of(400, "x_content_parse_exception", "Failed to build [" + name
                    + "] after last required field arrived", failure);
        }
    }

    /** Each object of an object array (or the single object given instead), read by {@code element}. */
    static ArrayNode objectArray(JsonParser parser, ValueReader element) throws IOException {
        ArrayNode out = JSON.createArrayNode();
        if (parser.currentToken() == JsonToken.START_OBJECT) {
            out.add(element.read(parser));
            return out;
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            out.add(element.read(parser));
        }
        return out;
    }

    /** A subtree kept as given (objects Elasticsearch reads as maps, or that this server does not interpret). */
    static JsonNode tree(JsonParser parser) throws IOException {
        return JSON.readTree(parser);
    }

    private static JsonNode scalar(JsonParser parser, ValueType type) throws IOException {
        JsonToken token = parser.currentToken();
        return switch (type) {
            case STRING, STRING_OR_NULL -> token == JsonToken.VALUE_NULL ? NullNode.instance : TextNode.valueOf(parser.getText());
            case LONG -> LongNode.valueOf(longValue(parser));
            case BOOLEAN -> BooleanNode.valueOf(booleanValue(parser));
            case STRING_ARRAY -> stringArray(parser);
            default -> tree(parser);
        };
    }

    /** {@code XContentParser.longValue()}: numbers (fractions cut) or numeric strings. */
    static long longValue(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            return parser.currentToken() == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : (long) parser.getDoubleValue();
        }
        String text = parser.getText().trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException notWhole) {
            try {
                return (long) Double.parseDouble(text);
            } catch (NumberFormatException notNumber) {
                throw EsException.numberFormat(text);
            }
        }
    }

    /** {@code XContentParser.booleanValue()}: booleans or the strings {@code true} and {@code false}. */
    private static boolean booleanValue(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            return parser.getBooleanValue();
        }
        String text = parser.getText();
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw EsException.illegalArgument("Failed to parse value [" + text + "] as only [true] or [false] are allowed.");
    }

    /** {@code declareStringArray}: an array of values read as text, or one string as a one-element array. */
    private static ArrayNode stringArray(JsonParser parser) throws IOException {
        ArrayNode out = JSON.createArrayNode();
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return out.add(parser.getText());
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (!parser.currentToken().isScalarValue() || parser.currentToken() == JsonToken.VALUE_NULL) {
                throw EsException.illegalArgument("expected value but got [" + ResultsRequestParser.tokenName(
                        parser.currentToken()) + "]");
            }
            out.add(parser.getText());
        }
        return out;
    }

    /** A parse error at the parser's current token, as {@code XContentParseException} places it. */
    static EsException error(JsonParser parser, String message, EsException cause) {
        JsonLocation location = parser.currentTokenLocation();
        return EsException.parse(location.getLineNr(), location.getColumnNr(), message, cause);
    }
}
