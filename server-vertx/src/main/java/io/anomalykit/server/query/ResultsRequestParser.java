package io.anomalykit.server.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import io.anomalykit.server.error.EsException;

import java.io.IOException;
import java.util.List;

/**
 * Turns a results request into a {@link ResultsRequest} exactly as Elasticsearch's REST handlers do: with a body, the
 * options come from the body alone; without, from the query string. Errors carry Elasticsearch's types and wording.
 */
public final class ResultsRequestParser {

    /** Elasticsearch rejects duplicate keys in request bodies. */
    public static final JsonFactory STRICT_JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final int DEFAULT_FROM = 0;
    private static final int DEFAULT_SIZE = 100;

    private ResultsRequestParser() {
    }

    /**
     * @param body the request body, or null/empty when there is none
     * @throws EsException 400 for bad parameters or body, including unrecognized query parameters
     */
    public static ResultsRequest parse(ResultType type, String jobId, RestParams params, byte[] body) {
        Options options = new Options(type);
        // The handlers read the job id from the parameters, where the path's value replaces a query-string one.
        params.accept("job_id");
        // The influencers handler reads start and end before it looks at the body, so they are consumed (and then
        // ignored) even when a body is present; the records handler does not read them in that case.
        String queryStart = type == ResultType.INFLUENCER ? params.get("start") : null;
        String queryEnd = type == ResultType.INFLUENCER ? params.get("end") : null;
        byte[] content = body != null && body.length > 0 ? body : sourceParameter(params);
        if (content != null) {
            parseBody(options, content);
        } else {
            options.start = type == ResultType.INFLUENCER ? queryStart : params.get("start");
            options.end = type == ResultType.INFLUENCER ? queryEnd : params.get("end");
            options.excludeInterim = params.flag("exclude_interim", options.excludeInterim);
            options.setPage(params.integer("from", DEFAULT_FROM), params.integer("size", DEFAULT_SIZE));
            String score = params.get(type.scoreField(), String.valueOf(options.scoreThreshold));
            try {
                options.scoreThreshold = Double.parseDouble(score);
            } catch (NumberFormatException e) {
                throw EsException.numberFormat(score);
            }
            options.sort = params.get("sort", options.sort);
            options.descending = params.flag("desc", options.descending);
        }
        params.rejectUnconsumed();
        return new ResultsRequest(jobId, type, options.start, options.end, options.excludeInterim, options.from,
                options.size, options.scoreThreshold, options.sort, options.descending);
    }

    /**
     * {@code RestRequest.contentOrSourceParam}: without a body, the {@code source} parameter is the body, in the type
     * {@code source_content_type} names (both required). Null when there is no {@code source}.
     */
    private static byte[] sourceParameter(RestParams params) {
        if (!params.has("source")) {
            return null;
        }
        String source = params.get("source");
        String type = params.get("source_content_type");
        if (type == null) {
            throw validation("source and source_content_type parameters are required");
        }
        // RestRequest.parseContentType: the part before any ';' must be a type/subtype of token characters.
        String mediaType = type.split("[ \t]*;")[0];
        String[] parts = mediaType.split("/");
        if (parts.length != 2 || !parts[0].matches(TOKEN) || !parts[1].trim().matches(TOKEN)) {
            throw EsException.illegalArgument("invalid Content-Type header [" + type + "]");
        }
        String base = mediaType.trim().toLowerCase(java.util.Locale.ROOT);
        if (!JSON_SOURCE_TYPES.contains(base)) {
            throw validation("Unknown value for source_content_type [" + type + "]");
        }
        return source.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** RFC 7230 token characters, as {@code RestRequest} checks a media type's parts. */
    private static final String TOKEN = "[a-zA-Z0-9!#$%&'*+\\-.^_`|~]+";
    /** The media types {@code XContentType.fromMediaType} reads as JSON. */
    private static final java.util.Set<String> JSON_SOURCE_TYPES = java.util.Set.of("application/json",
            "application/x-ndjson", "application/*", "application/vnd.elasticsearch+json",
            "application/vnd.elasticsearch+x-ndjson");

    /** {@code ValidationException}: an IllegalArgumentException, so a 400, worded as a numbered list. */
    private static EsException validation(String error) {
        return EsException.of(400, "validation_exception", "Validation Failed: 1: " + error + ";");
    }

    /** The request's options with Elasticsearch's defaults, filled in as parsing goes. */
    private static final class Options {
        final ResultType type;
        String start;
        String end;
        boolean excludeInterim = false;
        int from = DEFAULT_FROM;
        int size = DEFAULT_SIZE;
        double scoreThreshold = 0.0;
        String sort;
        boolean descending = true;

        Options(ResultType type) {
            this.type = type;
            this.sort = type.scoreField();
        }

        void setPage(int newFrom, int newSize) {
            if (newFrom < 0) {
                throw EsException.illegalArgument("Parameter [from] cannot be < 0");
            }
            if (newSize < 0) {
                throw EsException.illegalArgument("Parameter [size] cannot be < 0");
            }
            from = newFrom;
            size = newSize;
        }
    }

    private static void parseBody(Options options, byte[] body) {
        String parserName = options.type.action();
        List<String> fields = List.of("job_id", "start", "end", "sort", "desc", "exclude_interim", "page",
                options.type.scoreField());
        try (JsonParser parser = STRICT_JSON.createParser(body)) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw parseError(parser, "[" + parserName + "] Expected START_OBJECT but was: " + tokenName(token), null);
            }
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String field = knownField(parser, parserName, fields);
                JsonToken value = parser.nextToken();
                if (field.equals("page")) {
                    requireToken(parser, parserName, field, value, JsonToken.START_OBJECT);
                    JsonLocation pageLocation = parser.currentTokenLocation();
                    try {
                        parsePage(options, parser);
                    } catch (EsException inner) {
                        throw EsException.parse(pageLocation.getLineNr(), pageLocation.getColumnNr(),
                                "[" + parserName + "] failed to parse field [page]", inner);
                    }
                    continue;
                }
                try {
                    switch (field) {
                        case "job_id" -> requireString(parser, parserName, field, value, false);
                        case "start" -> options.start = requireString(parser, parserName, field, value, true);
                        case "end" -> options.end = requireString(parser, parserName, field, value, true);
                        case "sort" -> options.sort = requireString(parser, parserName, field, value, false);
                        case "desc" -> options.descending = booleanValue(parser, parserName, field, value);
                        case "exclude_interim" -> options.excludeInterim = booleanValue(parser, parserName, field, value);
                        default -> options.scoreThreshold = doubleValue(parser, parserName, field, value);
                    }
                } catch (EsException valueError) {
                    throw fieldFailure(parser, parserName, field, valueError);
                }
            }
        } catch (JsonParseException e) {
            throw jsonSyntaxError(e);
        } catch (IOException e) {
            throw EsException.of(400, "x_content_parse_exception", String.valueOf(e.getMessage()));
        }
    }

    private static void parsePage(Options options, JsonParser parser) throws IOException {
        List<String> fields = List.of("from", "size");
        Integer from = null;
        Integer size = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
            String field = knownField(parser, "page", fields);
            JsonToken value = parser.nextToken();
            int parsed;
            try {
                parsed = intValue(parser, "page", field, value);
            } catch (EsException valueError) {
                throw fieldFailure(parser, "page", field, valueError);
            }
            if (field.equals("from")) {
                from = parsed;
            } else {
                size = parsed;
            }
        }
        if (token != JsonToken.END_OBJECT) {
            throw parseError(parser, "[page] Expected END_OBJECT but was: " + tokenName(token), null);
        }
        try {
            options.setPage(from == null ? DEFAULT_FROM : from, size == null ? DEFAULT_SIZE : size);
        } catch (EsException invalid) {
            // Built after the object is read, so Elasticsearch reports it without a location.
            throw EsException.of(400, "x_content_parse_exception",
                    "Failed to build [page] after last required field arrived", invalid);
        }
    }

    /** The current field name, or Elasticsearch's unknown-field error (at the name's position) with suggestions. */
    private static String knownField(JsonParser parser, String parserName, List<String> fields) throws IOException {
        String field = parser.currentName();
        if (!fields.contains(field)) {
            JsonLocation location = parser.currentTokenLocation();
            throw EsException.parse(location.getLineNr(), location.getColumnNr(),
                    "[" + parserName + "] unknown field [" + field + "]" + Suggestions.parserSuffix(field, fields), null);
        }
        return field;
    }

    /** A value that could not be used, wrapped as Elasticsearch's object parsers wrap it (parse errors pass as they are). */
    private static EsException fieldFailure(JsonParser parser, String parserName, String field, EsException valueError) {
        if ("x_content_parse_exception".equals(valueError.type())) {
            return valueError;
        }
        return parseError(parser, "[" + parserName + "] failed to parse field [" + field + "]", valueError);
    }

    private static void requireToken(JsonParser parser, String parserName, String field, JsonToken actual,
                                     JsonToken expected) {
        if (actual != expected) {
            throw unsupportedType(parser, parserName, field, actual);
        }
    }

    private static String requireString(JsonParser parser, String parserName, String field, JsonToken value,
                                        boolean nullable) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        if (nullable && value == JsonToken.VALUE_NULL) {
            return null;
        }
        throw unsupportedType(parser, parserName, field, value);
    }

    private static boolean booleanValue(JsonParser parser, String parserName, String field, JsonToken value)
            throws IOException {
        return switch (value) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            case VALUE_STRING -> RestParams.parseBoolean(parser.getText());
            default -> throw unsupportedType(parser, parserName, field, value);
        };
    }

    private static double doubleValue(JsonParser parser, String parserName, String field, JsonToken value)
            throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
            return parser.getDoubleValue();
        }
        if (value == JsonToken.VALUE_STRING) {
            String text = parser.getText().trim();
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw EsException.numberFormat(text);
            }
        }
        throw unsupportedType(parser, parserName, field, value);
    }

    private static int intValue(JsonParser parser, String parserName, String field, JsonToken value) throws IOException {
        double number;
        if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
            number = parser.getDoubleValue();
        } else if (value == JsonToken.VALUE_STRING) {
            String text = parser.getText().trim();
            try {
                number = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw EsException.numberFormat(text);
            }
        } else {
            throw unsupportedType(parser, parserName, field, value);
        }
        if (number > Integer.MAX_VALUE || number < Integer.MIN_VALUE) {
            throw EsException.illegalArgument("Value [" + parser.getText() + "] is out of range for an integer");
        }
        return (int) number;
    }

    private static EsException unsupportedType(JsonParser parser, String parserName, String field, JsonToken token) {
        return parseError(parser, "[" + parserName + "] " + field + " doesn't support values of type: " + tokenName(token),
                null);
    }

    private static EsException parseError(JsonParser parser, String message, EsException causedBy) {
        JsonLocation location = parser.currentTokenLocation();
        return EsException.parse(location.getLineNr(), location.getColumnNr(), message, causedBy);
    }

    /** Malformed JSON, reported as Elasticsearch 8 reports it: a parse exception caused by the JSON parser's own. */
    public static EsException jsonSyntaxError(StreamReadException e) {
        JsonLocation location = e.getLocation();
        int line = location == null ? 0 : location.getLineNr();
        int column = location == null ? 0 : location.getColumnNr();
        String type = e instanceof JsonEOFException ? "x_content_e_o_f_exception" : "x_content_parse_exception";
        String causeType = e instanceof JsonEOFException ? "json_e_o_f_exception"
                : e instanceof InputCoercionException ? "input_coercion_exception" : "json_parse_exception";
        EsException cause = EsException.of(400, causeType, e.getOriginalMessage());
        return EsException.of(400, type, "[" + line + ":" + column + "] " + e.getOriginalMessage(), cause);
    }

    /** Token names as Elasticsearch's XContent parser prints them. */
    public static String tokenName(JsonToken token) {
        if (token == null) {
            return "null";
        }
        return switch (token) {
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "VALUE_NUMBER";
            case VALUE_TRUE, VALUE_FALSE -> "VALUE_BOOLEAN";
            case VALUE_EMBEDDED_OBJECT -> "VALUE_EMBEDDED_OBJECT";
            default -> token.name();
        };
    }
}
