package io.anomalykit.server.error;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private final int status;
    private final String type;
    private final Shape shape;
    private final EsException causedBy;
    private final List<EsException> rootCauses = new ArrayList<>();
    private final Map<String, Object> metadata = new LinkedHashMap<>();
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    private EsException(int status, String type, String reason, Shape shape, EsException causedBy) {
        super(reason, null, false, false);
        this.status = status;
        this.type = type;
        this.shape = shape;
        this.causedBy = causedBy;
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
     * A failure raised while searching, wrapped as Elasticsearch wraps shard failures: the outer type is
     * {@code search_phase_execution_exception} and the real cause is the root cause.
     */
    public static EsException searchFailure(EsException shardFailure) {
        EsException outer = new EsException(shardFailure.status, "search_phase_execution_exception", "all shards failed",
                Shape.OBJECT, shardFailure);
        outer.rootCauses.add(shardFailure);
        outer.metadata.put("phase", "query");
        outer.metadata.put("grouped", true);
        return outer;
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

    /** The root causes Elasticsearch reports: given ones, or else the exception itself. */
    public List<EsException> rootCauses() {
        return rootCauses.isEmpty() ? List.of(this) : List.copyOf(rootCauses);
    }

    /** Type-specific keys, in the order they were added (the order Elasticsearch writes them). */
    public Map<String, Object> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    public Map<String, List<String>> headers() {
        return Collections.unmodifiableMap(headers);
    }
}
