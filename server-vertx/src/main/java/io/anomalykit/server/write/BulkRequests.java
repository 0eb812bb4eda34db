package io.anomalykit.server.write;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultsRequestParser;
import io.anomalykit.server.store.ResultIndices;
import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.WriteCondition;
import io.anomalykit.server.store.WriteOp;
import io.anomalykit.server.store.WriteOutcome;
import io.vertx.core.Future;

import java.io.IOException;
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
    private static final Set<String> METADATA = Set.of("_index", "_id", "routing", "pipeline", "require_alias",
            "if_seq_no", "if_primary_term", "version", "version_type", "dynamic_templates", "retry_on_conflict",
            "_source", "require_data_stream", "list_executed_pipelines", "op_type");

    private BulkRequests() {
    }

    /** One action of the request as written: the document (read, and as sent), or the reason its item fails. */
    public record Item(String action, String index, String id, ObjectNode document, byte[] json, EsException failure,
                       WriteCondition condition) {

        public Item(String action, String index, String id, ObjectNode document, byte[] json, EsException failure) {
            this(action, index, id, document, json, failure, WriteCondition.NONE);
        }

        public static Item failed(String action, String index, String id, EsException failure) {
            return new Item(action, index, id, null, null, failure);
        }

        /** The same item under conditions. */
        public Item when(WriteCondition condition) {
            return new Item(action, index, id, document, json, failure, condition);
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
     * The conditions of an action line ({@code BulkRequestParser}: {@code if_seq_no}, {@code if_primary_term},
     * {@code version}, {@code version_type}).
     */
    static WriteCondition condition(JsonNode metadata) {
        long ifSeqNo = number(metadata, "if_seq_no", WriteCondition.UNASSIGNED_SEQ_NO);
        long ifPrimaryTerm = number(metadata, "if_primary_term", 0);
        long version = number(metadata, "version", WriteCondition.MATCH_ANY);
        WriteCondition.VersionType type = metadata.hasNonNull("version_type")
                ? WriteCondition.VersionType.parse(metadata.get("version_type").asText()) : WriteCondition.VersionType.INTERNAL;
        return conditionOf(ifSeqNo, ifPrimaryTerm, version, type);
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

    private static long number(JsonNode metadata, String field, long absent) {
        JsonNode value = metadata.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (value.isIntegralNumber()) {
            return value.asLong();
        }
        try {
            return Long.parseLong(value.asText());
        } catch (NumberFormatException e) {
            throw EsException.illegalArgument("For input string: \"" + value.asText() + "\"");
        }
    }

    /**
     * {@code BulkRequest.validate}: every item's own validation ({@code IndexRequest.validate},
     * {@code DeleteRequest.validate}), all errors in one answer.
     */
    public static void validate(List<Item> items) {
        List<String> errors = new ArrayList<>();
        for (Item item : items) {
            errors.addAll(item.condition().validate(item.kind(), item.id()));
        }
        if (!errors.isEmpty()) {
            StringBuilder reason = new StringBuilder("Validation Failed: ");
            for (int i = 0; i < errors.size(); i++) {
                reason.append(i + 1).append(": ").append(errors.get(i)).append(';');
            }
            throw EsException.of(400, "action_request_validation_exception", reason.toString());
        }
    }

    /** @param defaultIndex the index of {@code /{index}/_bulk}, or null */
    public static List<Item> parse(byte[] body, String defaultIndex) {
        if (body.length > 0 && body[body.length - 1] != '\n') {
            throw EsException.illegalArgument("The bulk request must be terminated by a newline [\\n]");
        }
        List<Item> items = new ArrayList<>();
        // Lines are found in the bytes and each document is read from them: no copy of the body as text.
        int[] starts = lineStarts(body);
        int lines = starts.length;
        int lineNumber = 0;
        while (lineNumber < lines) {
            int start = starts[lineNumber];
            int end = lineEnd(body, starts, lineNumber++);
            if (isBlank(body, start, end)) {
                continue;
            }
            JsonNode action = readActionLine(new String(body, start, end - start, StandardCharsets.UTF_8), lineNumber);
            String name = action.fieldNames().next();
            JsonNode metadata = action.get(name);
            WriteCondition condition = condition(metadata);
            if (name.equals("index") && metadata.hasNonNull("op_type")) {
                // BulkRequestParser: an index action with op_type create is a create; any other value, an index.
                name = metadata.get("op_type").asText().equals("create") ? "create" : "index";
            }
            String index = metadata.has("_index") ? metadata.get("_index").asText() : defaultIndex;
            String id = metadata.has("_id") ? metadata.get("_id").asText() : null;
            if (index == null) {
                throw EsException.of(400, "action_request_validation_exception", "Validation Failed: 1: index is missing;");
            }
            if (name.equals("delete")) {
                if (id == null) {
                    throw EsException.of(400, "action_request_validation_exception", "Validation Failed: 1: id is missing;");
                }
                items.add(new Item(name, index, id, null, null, null, condition));
                continue;
            }
            if (lineNumber >= lines || lineNumber == lines - 1 && isBlank(body, starts[lineNumber], body.length)) {
                throw EsException.of(400, "action_request_validation_exception", "Validation Failed: 1: source is missing;");
            }
            int sourceStart = starts[lineNumber];
            items.add(documentItem(name, index, id, body, sourceStart, lineEnd(body, starts, lineNumber++) - sourceStart)
                    .when(condition));
        }
        validate(items);
        return items;
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
                    String concrete = resolve(item.index(), jobId -> jobs.get(jobId).result());
                    WriteOp op = switch (item.action()) {
                        case "delete" -> new WriteOp(WriteOp.Kind.DELETE, concrete, item.id(), null, null, item.condition());
                        case "create" -> new WriteOp(WriteOp.Kind.CREATE, concrete, item.id(), item.document(), item.json(),
                                item.condition());
                        case "index" -> new WriteOp(WriteOp.Kind.INDEX, concrete, item.id(), item.document(), item.json(),
                                item.condition());
                        default -> throw EsException.illegalArgument(
                                "partial updates are not supported by this server: index the whole result document instead");
                    };
                    positions.add(outcomes.size());
                    outcomes.add(null);
                    operations.add(op);
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

    private static JsonNode readActionLine(String line, int lineNumber) {
        JsonNode action;
        try {
            action = JSON.readTree(line);
        } catch (IOException e) {
            throw EsException.illegalArgument("Malformed action/metadata line [" + lineNumber
                    + "], expected START_OBJECT or END_OBJECT but found [" + firstToken(line) + "]");
        }
        if (action == null || !action.isObject()) {
            throw EsException.illegalArgument("Malformed action/metadata line [" + lineNumber
                    + "], expected START_OBJECT or END_OBJECT but found [" + firstToken(line) + "]");
        }
        if (action.size() != 1 || !ACTIONS.contains(action.fieldNames().next())) {
            String found = action.isEmpty() ? "END_OBJECT" : action.fieldNames().next();
            throw EsException.illegalArgument("Malformed action/metadata line [" + lineNumber
                    + "], expected field [create], [delete], [index] or [update] but found [" + found + "]");
        }
        JsonNode metadata = action.elements().next();
        if (!metadata.isObject()) {
            throw EsException.illegalArgument("Malformed action/metadata line [" + lineNumber
                    + "], expected START_OBJECT but found [" + firstToken(metadata.toString()) + "]");
        }
        for (Map.Entry<String, JsonNode> field : metadata.properties()) {
            if (!METADATA.contains(field.getKey())) {
                throw EsException.illegalArgument("Action/metadata line [" + lineNumber
                        + "] contains an unknown parameter [" + field.getKey() + "]");
            }
        }
        return action;
    }

    private static String firstToken(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("[")) {
            return "START_ARRAY";
        }
        if (trimmed.startsWith("\"")) {
            return "VALUE_STRING";
        }
        return trimmed.isEmpty() ? "null" : "VALUE_NUMBER";
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
            return jobs.apply(jobId.get()).map(ResultIndices::ofJob).orElseThrow(() -> EsException.of(404,
                    "index_not_found_exception", "no such index [" + name + "]").withMetadata("resource.type", "index_or_alias")
                    .withMetadata("resource.id", name).withMetadata("index", name));
        }
        throw EsException.illegalArgument("index [" + name + "] is not a machine learning results index: this server stores "
                + "results only, in [" + ResultIndices.SHARED + "], [" + ResultIndices.CUSTOM_PREFIX + "*] or a job's aliases");
    }
}
