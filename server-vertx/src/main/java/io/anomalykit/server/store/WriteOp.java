package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One document operation of a bulk or index request.
 *
 * @param index  the concrete results index the document goes to (echoed in answers)
 * @param id     the document id; null means "generate one" (index and create only)
 * @param source the document (null for delete)
 */
public record WriteOp(Kind kind, String index, String id, ObjectNode source) {

    public enum Kind {
        /** Create or replace. */
        INDEX,
        /** Create; fails if the id exists. */
        CREATE,
        DELETE
    }
}
