package io.anomalykit.server.error;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An error as Elasticsearch reports it: an HTTP status, a snake-case {@code type}, a {@code reason}, optional
 * {@code caused_by} chain, root causes and type-specific keys. Every layer throws this; the http layer renders it
 * in one place. It never carries a Java stack trace to the client.
 */
public final class EsException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** How the body is shaped: Elasticsearch answers a few conditions with a bare string instead of an object. */
    public enum Shape {
        /** {@code {"error":{...},"status":N}}. */
        OBJECT,
        /** {@code {"error":"reason","status":N}}, as for a wrong method. */
        STRING,
        /** {@code {"error":"reason"}}, as for an unknown route. */
        STRING_WITHOUT_STATUS
    }

    /**
     * The types of the Java (not Elasticsearch) exceptions this server reports. Elasticsearch guesses root causes
     * differently for them ({@code ElasticsearchException.guessRootCauses}): an Elasticsearch exception's root cause
     * is its innermost Elasticsearch cause, a parse exception's its innermost parse or Elasticsearch cause, any
     * other exception is its own.
     */
    private static final Set<String> JAVA_TYPES = Set.of("illegal_argument_exception", "number_format_exception",
            "x_content_parse_exception", "x_content_e_o_f_exception", "json_parse_exception", "json_e_o_f_exception",
            "validation_exception", "date_time_parse_exception", "illegal_state_exception");
    private static final Set<String> PARSE_TYPES = Set.of("x_content_parse_exception", "x_content_e_o_f_exception");

    /** The index and shard of a search failure, as {@code ShardSearchFailure} reports it; the node is the server's own. */
    public record ShardFailure(int shard, String index, EsException reason) {
    }

    private final int status;
    private final String type;
    private final Shape shape;
    private final EsException causedBy;
    /** Whether Elasticsearch raises this as an {@code ElasticsearchException} (true) or a plain Java exception. */
    private final boolean elasticsearch;
    private final List<ShardFailure> shardFailures = new ArrayList<>();
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    private EsException(int status, String type, String reason, Shape shape, EsException causedBy) {
        super(reason, null, false, false);
        this.status = status;
        this.type = type;
        this.shape = shape;
        this.causedBy = causedBy;
        this.elasticsearch = type != null && !JAVA_TYPES.contains(type);
    }

    private EsException(EsException wrapped) {
        super(wrapped.getMessage(), null, false, false);
        this.status = wrapped.status;
        this.type = wrapped.type;
        this.shape = Shape.OBJECT;
        this.causedBy = wrapped;
        this.elasticsearch = true;
    }

    public static EsException of(int status, String type, String reason) {
        return new EsException(status, type, reason, Shape.OBJECT, null);
    }

    public static EsException of(int status, String type, String reason, EsException causedBy) {
        return new EsException(status, type, reason, Shape.OBJECT, causedBy);
    }

    public static EsException illegalArgument(String reason) {
        return of(400, "illegal_argument_exception", reason);
    }

    public static EsException illegalArgument(String reason, EsException causedBy) {
        return of(400, "illegal_argument_exception", reason, causedBy);
    }

    public static EsException numberFormat(String input) {
        return of(400, "number_format_exception", input.isEmpty() ? "empty String" : "For input string: \"" + input + "\"");
    }

    public static EsException jobNotFound(String jobId) {
        return of(404, "resource_not_found_exception", "No known job with id '" + jobId + "'");
    }

    /**
     * {@code IndexNotFoundException}: the index named as a missing index or alias, with the uuid Elasticsearch gives
     * an index it does not know ({@code _na_}), in the order its metadata {@code HashMap} writes the keys.
     */
    public static EsException indexNotFound(String index) {
        return indexNotFound(index, "no such index [" + index + "]");
    }

    /**
     * {@code IndexNotFoundException(message, index)}, whose reason Elasticsearch makes {@code no such index [x] and
     * <message>}: the caller gives the whole reason.
     */
    public static EsException indexNotFound(String index, String reason) {
        return of(404, "index_not_found_exception", reason).withMetadata("resource.type", "index_or_alias")
                .withMetadata("resource.id", index).withMetadata("index_uuid", "_na_").withMetadata("index", index);
    }

    /** A body error the way Elasticsearch's JSON parsers word it: {@code [line:col] message}. */
    public static EsException parse(int line, int column, String message, EsException causedBy) {
        return of(400, "x_content_parse_exception", "[" + line + ":" + column + "] " + message, causedBy);
    }

    public static EsException bareString(int status, String reason) {
        return new EsException(status, null, reason, Shape.STRING, null);
    }

    public static EsException bareStringWithoutStatus(int status, String reason) {
        return new EsException(status, null, reason, Shape.STRING_WITHOUT_STATUS, null);
    }

    /**
     * A failure raised while searching the results index, wrapped as Elasticsearch wraps a shard failure
     * ({@code SearchPhaseExecutionException}): type {@code search_phase_execution_exception}, reason "all shards
     * failed", {@code phase}, {@code grouped} and {@code failed_shards} (shard, index, node, reason). Its root causes
     * are the shard failure's; its {@code caused_by} is, as in Elasticsearch, absent when the shard failure is an
     * Elasticsearch exception (the same object as the shard's cause, deduplicated) and otherwise the wrapper
     * {@code guessRootCauses} makes around the Java exception, which nests the exception itself once more.
     *
     * @param shardFailure the failure on the shard; its {@code index} metadata, if any, names the failed index
     */
    public static EsException searchFailure(EsException shardFailure) {
        EsException cause = shardFailure.elasticsearch ? null : new EsException(shardFailure);
        EsException outer = new EsException(shardFailure.status, "search_phase_execution_exception", "all shards failed",
                Shape.OBJECT, cause);
        Object index = shardFailure.metadata.get("index");
        outer.shardFailures.add(new ShardFailure(0, index == null ? RESULTS_INDEX : index.toString(), shardFailure));
        outer.metadata.put("phase", "query");
        outer.metadata.put("grouped", true);
        outer.metadata.put("failed_shards", List.copyOf(outer.shardFailures));
        return outer;
    }

    /** The index Elasticsearch stores machine-learning results in unless a job names its own. */
    private static final String RESULTS_INDEX = ".ml-anomalies-shared";

    /**
     * Names the index an exception concerns, as {@code ElasticsearchException.setIndex} does: {@code index_uuid} and
     * {@code index}, in the order Elasticsearch's metadata {@code HashMap} writes them (uuid first).
     */
    public EsException withIndex(String index) {
        metadata.put("index_uuid", indexUuid(index));
        metadata.put("index", index);
        return this;
    }

    /**
     * An index's uuid as Elasticsearch writes it (22 characters of URL-safe base64). Elasticsearch draws it at random
     * when the index is created; here it is derived from the name, so that it is the same in every answer.
     */
    public static String indexUuid(String index) {
        java.util.UUID uuid = java.util.UUID.nameUUIDFromBytes(("index:" + index).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    public EsException withMetadata(String key, Object value) {
        metadata.put(key, value);
        return this;
    }

    /** Adds a response header; a name given twice carries both values, as Elasticsearch's challenges do. */
    public EsException withHeader(String name, String value) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        return this;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String reason() {
        return getMessage();
    }

    public Shape shape() {
        return shape;
    }

    public EsException causedBy() {
        return causedBy;
    }

    /** The root causes Elasticsearch reports ({@code ElasticsearchException.guessRootCauses}). */
    public List<EsException> rootCauses() {
        if (!shardFailures.isEmpty()) {
            List<EsException> roots = new ArrayList<>();
            shardFailures.forEach(failure -> roots.addAll(failure.reason().rootCauses()));
            return roots;
        }
        boolean unwrap = elasticsearch ? causedBy != null && causedBy.elasticsearch
                : PARSE_TYPES.contains(type) && causedBy != null && (causedBy.elasticsearch || PARSE_TYPES.contains(causedBy.type));
        return unwrap ? causedBy.rootCauses() : List.of(this);
    }

    /** Whether Elasticsearch raises this as an {@code ElasticsearchException} rather than a plain Java exception. */
    public boolean isElasticsearchException() {
        return elasticsearch;
    }

    /** Type-specific keys, in the order they were added (the order Elasticsearch writes them). */
    public Map<String, Object> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    public Map<String, List<String>> headers() {
        return Collections.unmodifiableMap(headers);
    }
}
