package io.anomalykit.server.store;

import io.anomalykit.server.error.EsException;

/**
 * What became of one {@link WriteOp}: Elasticsearch's {@code result} ({@code created}, {@code updated},
 * {@code deleted}, {@code not_found}) with the HTTP status of the item, or an error.
 */
public record WriteOutcome(String index, String id, long version, String result, int status, long seqNo, EsException error) {

    public static WriteOutcome failed(String index, String id, EsException error) {
        return new WriteOutcome(index, id, -1, null, error.status(), -1, error);
    }

    public boolean failed() {
        return error != null;
    }
}
