package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/**
 * One document operation of a bulk or index request.
 *
 * @param index      the concrete results index the document goes to (echoed in answers)
 * @param id         the document id; null means "generate one" (index and create only)
 * @param source     the document (null for delete)
 * @param sourceJson the document as the client sent it, or null to write it from {@code source}
 * @param condition  what the current document must be for the write to happen
 */
public record WriteOp(Kind kind, String index, String id, ObjectNode source, byte[] sourceJson, WriteCondition condition) {

    public WriteOp(Kind kind, String index, String id, ObjectNode source) {
        this(kind, index, id, source, null, WriteCondition.NONE);
    }

    public WriteOp(Kind kind, String index, String id, ObjectNode source, byte[] sourceJson) {
        this(kind, index, id, source, sourceJson, WriteCondition.NONE);
    }

    /**
     * The document as JSON: the client's own bytes when known, kept as they came as Elasticsearch keeps
     * {@code _source} (and writing the tree again would cost more than storing it).
     */
    public byte[] json() {
        return sourceJson != null ? sourceJson : source.toString().getBytes(StandardCharsets.UTF_8);
    }

    public enum Kind {
        /** Create or replace. */
        INDEX,
        /** Create; fails if the id exists. */
        CREATE,
        DELETE
    }
}
