package io.anomalykit.server.write;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.RestParams;
import io.anomalykit.server.query.ResultsRequestParser;
import io.anomalykit.server.store.ResultIndices;
import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.WriteCondition;
import io.anomalykit.server.store.WriteOp;
import io.anomalykit.server.store.WriteOutcome;
import io.vertx.core.Future;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a {@code _bulk} body as Elasticsearch does: a malformed action line fails the whole request; a document that
 * cannot be used fails its own item only.
 */
public final class BulkRequests {

    private static final ObjectMapper JSON = new ObjectMapper(ResultsRequestParser.STRICT_JSON);
    private static final Set<String> ACTIONS = Set.of("index", "create", "update", "delete");
    /** {@code DocWriteRequest.validateDocIdLength}. */
    private static final int MAX_ID_BYTES = 512;

    private BulkRequests() {
    }

    /** One action of the request as written: the document (read, and as sent), or the reason its item fails. */
    public record Item(String action, String index, String id, ObjectNode document, byte[] json, EsException failure,
                       WriteCondition condition, Options options) {

        public Item(String action, String index, String id, ObjectNode document, byte[] json, EsException failure) {
            this(action, index, id, document, json, failure, WriteCondition.NONE, Options.NONE);
        }

        public static Item failed(String action, String index, String id, EsException failure) {
            return new Item(action, index, id, null, null, failure);
        }

        /** The same item under conditions. */
        public Item when(WriteCondition condition) {
            return new Item(action, index, id, document, json, failure, condition, options);
        }

        /** The same item with the options of its request or action line. */
        public Item with(Options options) {
            return new Item(action, index, id, document, json, failure, condition, options);
        }

        WriteOp.Kind kind() {
            return switch (action) {
                case "delete" -> WriteOp.Kind.DELETE;
                case "create" -> WriteOp.Kind.CREATE;
                default -> WriteOp.Kind.INDEX;
            };
        }
    }

    /**
     * What a write request says beyond its document and conditions ({@code DocWriteRequest}'s routing, pipeline,
     * {@code require_alias}, {@code require_data_stream}), from the URL or, in {@code _bulk}, an action line.
     *
     * @param routing  kept for the answer's {@code Location}: every results index has one shard, so routing places a
     *                 document nowhere else
     * @param pipeline null for none; {@code _none} is Elasticsearch's name for none
     */
    public record Options(String routing, String pipeline, boolean requireAlias, boolean requireDataStream) {

        public static final Options NONE = new Options(null, null, false, false);

        /** An empty routing is none ({@code IndexRequest.routing}). */
        public Options {
            routing = routing == null || routing.isEmpty() ? null : routing;
        }

        /** {@code IngestService.NOOP_PIPELINE_NAME}. */
        private static final String NO_PIPELINE = "_none";

        Options withRouting(String value) {
            return new Options(value, pipeline, requireAlias, requireDataStream);
        }

        Options withPipeline(String value) {
            return new Options(routing, value, requireAlias, requireDataStream);
        }

        Options withRequireAlias(boolean value) {
            return new Options(routing, pipeline, value, requireDataStream);
        }

        Options withRequireDataStream(boolean value) {
            return new Options(routing, pipeline, requireAlias, value);
        }

        /**
         * Why a write to {@code index} cannot go ahead, in the order Elasticsearch finds it: the ingest pipeline first
         * ({@code IngestService}: there are none here), then {@code BulkOperation}'s {@code require_alias} and
         * {@code require_data_stream} checks (a results index is never a data stream); else null.
         */
        EsException refusal(String index, boolean isAlias) {
            if (pipeline != null && !pipeline.equals(NO_PIPELINE)) {
                return EsException.illegalArgument("pipeline with id [" + pipeline + "] does not exist");
            }
            if (requireAlias && !isAlias) {
                return EsException.indexNotFound(index,
                        "no such index [" + index + "] and [require_alias] request flag is [true] and [" + index + "] is not an alias");
            }
            if (requireDataStream) {
                return EsException.of(404, "resource_not_found_exception",
                        "[require_data_stream] request flag is [true] and [" + index + "] is not a data stream");
            }
            return null;
        }
    }

    /**
     * A condition from its parts, refusing what {@code IndexRequest.setIfSeqNo} and {@code setIfPrimaryTerm} refuse.
     */
    public static WriteCondition conditionOf(long ifSeqNo, long ifPrimaryTerm, long version, WriteCondition.VersionType type) {
        if (ifSeqNo < 0 && ifSeqNo != WriteCondition.UNASSIGNED_SEQ_NO) {
            throw EsException.illegalArgument("sequence numbers must be non negative. got [" + ifSeqNo + "].");
        }
        if (ifPrimaryTerm < 0) {
            throw EsException.illegalArgument("primary term must be non negative. got [" + ifPrimaryTerm + "]");
        }
        return new WriteCondition(ifSeqNo, ifPrimaryTerm, version, type);
    }

    /** {@code XContentParser.longValue}: a number, or a string holding one. */
    private static long longValue(JsonParser parser) throws IOException {
        if (parser.currentToken().isNumeric()) {
            try {
                return parser.getLongValue();
            } catch (InputCoercionException e) {
                // JsonXContentParser.doLongValue: a number beyond a long's range fails as malformed JSON does.
                throw ResultsRequestParser.jsonSyntaxError(e);
            }
        }
        try {
            return Long.parseLong(parser.getText());
        } catch (NumberFormatException e) {
            throw EsException.illegalArgument("For input string: \"" + parser.getText() + "\"");
        }
    }

    /** {@code XContentParser.booleanValue}: a boolean, or the string {@code true} or {@code false}. */
    private static boolean booleanValue(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
            return token == JsonToken.VALUE_TRUE;
        }
        return RestParams.parseBoolean(parser.getText());
    }

    /**
     * {@code BulkRequest.validate}: at least one item, and every item's own validation ({@code IndexRequest.validate},
     * {@code DeleteRequest.validate}), all errors in one answer.
     */
    public static void validate(List<Item> items) {
        List<String> errors = new ArrayList<>();
        if (items.isEmpty()) {
            errors.add("no requests added");
        }
        for (Item item : items) {
            errors.addAll(validationErrors(item));
        }
        if (!errors.isEmpty()) {
            StringBuilder reason = new StringBuilder("Validation Failed: ");
            for (int i = 0; i < errors.size(); i++) {
                reason.append(i + 1).append(": ").append(errors.get(i)).append(';');
            }
            throw EsException.of(400, "action_request_validation_exception", reason.toString());
        }
    }

    /**
     * One item's errors in Elasticsearch's order: the index ({@code ReplicationRequest.validate}), a delete's id, the
     * conditions, then an index or create's id length ({@code DocWriteRequest.validateDocIdLength}) and pipeline. A
     * create refused for its conditions is not looked at further, as {@code IndexRequest.validate} returns early.
     */
    private static List<String> validationErrors(Item item) {
        List<String> errors = new ArrayList<>();
        if (item.index() == null) {
            errors.add("index is missing");
        }
        WriteOp.Kind kind = item.kind();
        if (kind == WriteOp.Kind.DELETE && (item.id() == null || item.id().isEmpty())) {
            errors.add("id is missing");
        }
        List<String> conditionErrors = item.condition().validate(kind, item.id());
        errors.addAll(conditionErrors);
        if (kind == WriteOp.Kind.DELETE || kind == WriteOp.Kind.CREATE && !conditionErrors.isEmpty()) {
            return errors;
        }
        int idBytes = item.id() == null ? 0 : item.id().getBytes(StandardCharsets.UTF_8).length;
        if (idBytes > MAX_ID_BYTES) {
            errors.add("id [" + item.id() + "] is too long, must be no longer than " + MAX_ID_BYTES + " bytes but was: " + idBytes);
        }
        if (item.options().pipeline() != null && item.options().pipeline().isEmpty()) {
            errors.add("pipeline cannot be an empty string");
        }
        return errors;
    }

    /**
     * Reads a body as {@code BulkRequestParser} does, line by line: blank lines between actions are skipped, an
     * action line without a document line after it (the body's end) is dropped.
     *
     * @param defaultIndex   the index of {@code /{index}/_bulk}, or null
     * @param defaults       the request's own routing, pipeline and flags, which an action line may override
     * @param strictActions  whether an action line must end where its action object does (REST API version 9); 8.19
     *                       reads no further than the action's metadata and ignores the rest
     */
    public static List<Item> parse(byte[] body, String defaultIndex, Options defaults, boolean strictActions) {
        if (body.length > 0 && body[body.length - 1] != '\n') {
            throw EsException.illegalArgument("The bulk request must be terminated by a newline [\\n]");
        }
        List<Item> items = new ArrayList<>();
        // Lines are found in the bytes and each document is read from them: no copy of the body as text.
        int[] starts = lineStarts(body);
        // The last "line" is the empty rest after the final newline: no line of the request.
        int lines = starts.length - 1;
        int lineNumber = 0;
        while (lineNumber < lines) {
            int start = starts[lineNumber];
            int end = lineEnd(body, starts, lineNumber++);
            if (isBlank(body, start, end)) {
                continue;
            }
            ActionLine action = readActionLine(body, start, end, lineNumber, defaultIndex, defaults, strictActions);
            if (action.name().equals("delete")) {
                items.add(new Item("delete", action.index(), action.id(), null, null, null, action.condition(), action.options()));
                continue;
            }
            if (lineNumber >= lines) {
                break;
            }
            int sourceStart = starts[lineNumber];
            Item document = action.name().equals("update")
                    ? Item.failed("update", action.index(), action.id(), EsException.illegalArgument(
                            "partial updates are not supported by this server: index the whole result document instead"))
                    : documentItem(action.name(), action.index(), action.id(), body, sourceStart,
                            lineEnd(body, starts, lineNumber) - sourceStart);
            lineNumber++;
            items.add(document.when(action.condition()).with(action.options()));
        }
        validate(items);
        return items;
    }

    /** A body of {@code _bulk} lines, read as Elasticsearch 8.19 reads them, with no request-level defaults. */
    public static List<Item> parse(byte[] body) {
        return parse(body, null, Options.NONE, false);
    }

    /** Where each line starts; a body ending in a newline has a last, empty line, as splitting the text would give. */
    private static int[] lineStarts(byte[] body) {
        int count = 1;
        for (byte b : body) {
            if (b == '\n') {
                count++;
            }
        }
        int[] starts = new int[count];
        int line = 1;
        for (int i = 0; i < body.length; i++) {
            if (body[i] == '\n') {
                starts[line++] = i + 1;
            }
        }
        return starts;
    }

    private static int lineEnd(byte[] body, int[] starts, int line) {
        return line + 1 < starts.length ? starts[line + 1] - 1 : body.length;
    }

    private static boolean isBlank(byte[] body, int start, int end) {
        for (int i = start; i < end; i++) {
            if (body[i] < 0 || !Character.isWhitespace(body[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the items against the store, in order, each succeeding or failing on its own. Job aliases are resolved
     * with the store's jobs first, as they exist only for existing jobs.
     */
    public static Future<List<WriteOutcome>> execute(ResultsStore store, List<Item> items, boolean refresh) {
        Map<String, Future<Optional<ObjectNode>>> jobs = new HashMap<>();
        for (Item item : items) {
            ResultIndices.aliasedJob(item.index()).ifPresent(jobId -> jobs.computeIfAbsent(jobId, store::job));
        }
        return Future.all(List.copyOf(jobs.values())).compose(ignored -> {
            List<WriteOutcome> outcomes = new ArrayList<>(items.size());
            List<WriteOp> operations = new ArrayList<>();
            List<Integer> positions = new ArrayList<>();
            for (Item item : items) {
                try {
                    if (item.failure() != null) {
                        throw item.failure();
                    }
                    // A job's alias exists only while its job does.
                    boolean alias = ResultIndices.aliasedJob(item.index()).map(jobId -> jobs.get(jobId).result().isPresent())
                            .orElse(false);
                    EsException refusal = item.options().refusal(item.index(), alias);
                    if (refusal != null) {
                        throw refusal;
                    }
                    String concrete = resolve(item.index(), jobId -> jobs.get(jobId).result());
                    if (item.kind() != WriteOp.Kind.DELETE && item.id() != null && item.id().isEmpty()) {
                        // IndexRouting.process, once the index is known.
                        throw EsException.illegalArgument("if _id is specified it must not be empty");
                    }
                    positions.add(outcomes.size());
                    outcomes.add(null);
                    operations.add(new WriteOp(item.kind(), concrete, item.id(), item.document(), item.json(), item.condition()));
                } catch (EsException failure) {
                    outcomes.add(WriteOutcome.failed(item.index(), item.id(), failure));
                }
            }
            if (operations.isEmpty()) {
                return Future.succeededFuture(outcomes);
            }
            return store.write(operations, refresh).map(written -> {
                for (int i = 0; i < written.size(); i++) {
                    outcomes.set(positions.get(i), written.get(i));
                }
                return outcomes;
            });
        });
    }

    /** The concrete index a name stands for, a job's alias resolved with the store's jobs. */
    public static Future<String> concreteIndex(ResultsStore store, String name) {
        Optional<String> jobId = ResultIndices.aliasedJob(name);
        Future<Optional<ObjectNode>> job = jobId.isPresent() ? store.job(jobId.get()) : Future.succeededFuture(Optional.empty());
        return job.compose(found -> {
            try {
                return Future.succeededFuture(resolve(name, ignored -> found));
            } catch (EsException e) {
                return Future.failedFuture(e);
            }
        });
    }

    /** One index or create action for a document given as JSON. */
    public static Item documentItem(String action, String index, String id, byte[] source) {
        return documentItem(action, index, id, source, 0, source.length);
    }

    private static Item documentItem(String action, String index, String id, byte[] body, int offset, int length) {
        try {
            JsonNode parsed = JSON.readTree(body, offset, length);
            if (parsed == null || !parsed.isObject()) {
                return Item.failed(action, index, id,
                        EsException.of(400, "document_parsing_exception", "[1:1] failed to parse: source must be an object"));
            }
            return new Item(action, index, id, (ObjectNode) parsed, trimmed(body, offset, offset + length), null);
        } catch (JsonParseException e) {
            EsException cause = ResultsRequestParser.jsonSyntaxError(e);
            return Item.failed(action, index, id, EsException.of(400, "document_parsing_exception",
                    cause.reason().replaceFirst("] ", "] failed to parse: "), cause.causedBy()));
        } catch (IOException e) {
            return Item.failed(action, index, id,
                    EsException.of(400, "document_parsing_exception", "failed to parse: " + e.getMessage()));
        }
    }

    /** The document without the whitespace around it (a carriage return before the newline, say). */
    private static byte[] trimmed(byte[] body, int start, int end) {
        while (start < end && isBlank(body, start, start + 1)) {
            start++;
        }
        while (end > start && isBlank(body, end - 1, end)) {
            end--;
        }
        return Arrays.copyOfRange(body, start, end);
    }

    /** One action line: the action (an index with {@code op_type: create} is a create), its target and options. */
    private record ActionLine(String name, String index, String id, WriteCondition condition, Options options) {
    }

    /**
     * {@code BulkRequestParser.parseActionLine}, token by token: which token each place must hold and the message
     * when it does not, the metadata Elasticsearch knows, simple values only (null ignored, whatever the field).
     */
    private static ActionLine readActionLine(byte[] body, int start, int end, int line, String defaultIndex, Options defaults,
                                             boolean strict) {
        try (JsonParser parser = ResultsRequestParser.STRICT_JSON.createParser(body, start, end - start)) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.START_OBJECT) {
                throw malformed(line, "expected START_OBJECT but found [" + ResultsRequestParser.tokenName(token) + "]");
            }
            token = parser.nextToken();
            if (token != JsonToken.FIELD_NAME) {
                throw malformed(line, "expected FIELD_NAME but found [" + ResultsRequestParser.tokenName(token) + "]");
            }
            String action = parser.currentName();
            if (!ACTIONS.contains(action)) {
                throw malformed(line, "expected field [create], [delete], [index] or [update] but found [" + action + "]");
            }
            String index = defaultIndex;
            String id = null;
            String opType = null;
            long version = WriteCondition.MATCH_ANY;
            WriteCondition.VersionType versionType = WriteCondition.VersionType.INTERNAL;
            long ifSeqNo = WriteCondition.UNASSIGNED_SEQ_NO;
            long ifPrimaryTerm = 0;
            boolean dynamicTemplates = false;
            Options options = defaults;
            token = parser.nextToken();
            if (token == JsonToken.START_OBJECT) {
                while ((token = parser.nextToken()) != JsonToken.END_OBJECT) {
                    String field = parser.currentName();
                    token = parser.nextToken();
                    if (token == JsonToken.START_ARRAY) {
                        throw malformed(line, "expected a simple value for field [" + field + "] but found [START_ARRAY]");
                    }
                    if (token == JsonToken.START_OBJECT) {
                        if (!field.equals("dynamic_templates") && !field.equals("_source")) {
                            throw malformed(line, "expected a simple value for field [" + field + "] but found [START_OBJECT]");
                        }
                        // Both only matter to what this server does not do: dynamic mappings and update answers.
                        JsonNode value = JSON.readTree(parser);
                        dynamicTemplates |= field.equals("dynamic_templates") && !value.isEmpty();
                        continue;
                    }
                    if (token == JsonToken.VALUE_NULL) {
                        continue;
                    }
                    switch (field) {
                        case "_index" -> index = parser.getText();
                        case "_id" -> id = parser.getText();
                        case "routing" -> options = options.withRouting(parser.getText());
                        case "op_type" -> opType = parser.getText();
                        case "version" -> version = longValue(parser);
                        case "version_type" -> versionType = WriteCondition.VersionType.parse(parser.getText());
                        case "if_seq_no" -> ifSeqNo = longValue(parser);
                        case "if_primary_term" -> ifPrimaryTerm = longValue(parser);
                        case "retry_on_conflict" -> longValue(parser);
                        case "pipeline" -> options = options.withPipeline(parser.getText());
                        case "_source" -> parser.getText();
                        case "require_alias" -> options = options.withRequireAlias(booleanValue(parser));
                        case "require_data_stream" -> options = options.withRequireDataStream(booleanValue(parser));
                        case "list_executed_pipelines" -> booleanValue(parser);
                        default -> throw EsException.illegalArgument(
                                "Action/metadata line [" + line + "] contains an unknown parameter [" + field + "]");
                    }
                }
            } else if (token != JsonToken.END_OBJECT) {
                throw malformed(line, "expected START_OBJECT or END_OBJECT but found ["
                        + ResultsRequestParser.tokenName(token) + "]");
            }
            if (strict) {
                requireClosed(parser, line);
            }
            WriteCondition condition = conditionOf(ifSeqNo, ifPrimaryTerm, version, versionType);
            if (action.equals("delete") && dynamicTemplates) {
                throw EsException.illegalArgument("Delete request in line [" + line + "] does not accept dynamic_templates");
            }
            if (action.equals("update")) {
                if (version != WriteCondition.MATCH_ANY || versionType != WriteCondition.VersionType.INTERNAL) {
                    throw EsException.illegalArgument(
                            "Update requests do not support versioning. Please use `if_seq_no` and `if_primary_term` instead");
                }
                if (options.requireDataStream()) {
                    throw EsException.illegalArgument("Update requests do not support the `require_data_stream` flag, "
                            + "as data streams do not support update operations");
                }
                if (dynamicTemplates) {
                    throw EsException.illegalArgument("Update request in line [" + line + "] does not accept dynamic_templates");
                }
            }
            String name = action.equals("index") && opType != null ? (opType.equals("create") ? "create" : "index") : action;
            return new ActionLine(name, index, id, condition, options);
        } catch (JsonParseException e) {
            throw ResultsRequestParser.jsonSyntaxError(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code BulkRequestParser.checkBulkActionIsProperlyClosed} for REST API version 9: the action object is the
     * whole line.
     */
    private static void requireClosed(JsonParser parser, int line) throws IOException {
        JsonToken token = parser.nextToken();
        if (token != JsonToken.END_OBJECT) {
            throw malformed(line, "expected END_OBJECT but found [" + ResultsRequestParser.tokenName(token) + "]");
        }
        if (parser.nextToken() != null) {
            throw EsException.illegalArgument("Malformed action/metadata line [" + line + "], unexpected data after the closing brace");
        }
    }

    private static EsException malformed(int line, String expectation) {
        return EsException.illegalArgument("Malformed action/metadata line [" + line + "], " + expectation);
    }

    /**
     * The concrete index a document written to {@code name} lands in.
     *
     * @throws EsException for a job alias of a job that does not exist, or a name that is not a results index
     */
    private static String resolve(String name, Function<String, Optional<ObjectNode>> jobs) {
        if (name.equals(ResultIndices.SHARED) || name.startsWith(ResultIndices.CUSTOM_PREFIX) && name.length() > ResultIndices.CUSTOM_PREFIX.length()) {
            return name;
        }
        Optional<String> jobId = ResultIndices.aliasedJob(name);
        if (jobId.isPresent()) {
            return jobs.apply(jobId.get()).map(ResultIndices::ofJob).orElseThrow(() -> EsException.indexNotFound(name));
        }
        throw EsException.illegalArgument("index [" + name + "] is not a machine learning results index: this server stores "
                + "results only, in [" + ResultIndices.SHARED + "], [" + ResultIndices.CUSTOM_PREFIX + "*] or a job's aliases");
    }
}
