package io.anomalykit.server.write;

import io.anomalykit.server.error.EsException;

/**
 * A write's {@code refresh} parameter, as {@code WriteRequest.RefreshPolicy.parse} reads it. Both refreshing policies
 * make the write searchable before the answer; only an immediate one reports it, as {@code forced_refresh: true}
 * ({@code PostWriteRefresh}: {@code wait_for} forces a refresh only when a shard's refresh listeners are full, which
 * never happens here).
 */
public enum RefreshPolicy {
    NONE, IMMEDIATE, WAIT_UNTIL;

    /** @param value the parameter, or null when absent */
    public static RefreshPolicy parse(String value) {
        if (value == null || value.equals("false")) {
            return NONE;
        }
        if (value.isEmpty() || value.equals("true")) {
            return IMMEDIATE;
        }
        if (value.equals("wait_for")) {
            return WAIT_UNTIL;
        }
        throw EsException.illegalArgument("Unknown value for refresh: [" + value + "].");
    }

    /** Whether the written documents must be searchable when the write is answered. */
    public boolean refreshes() {
        return this != NONE;
    }

    /** Whether the answer says a refresh was forced ({@code DocWriteResponse}'s {@code forced_refresh}). */
    public boolean forces() {
        return this == IMMEDIATE;
    }
}
