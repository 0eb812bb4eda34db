package io.anomalykit.server.store;

/**
 * One document as the get API shows it: where it is, its version and the sequence number of its last write, and its
 * source as it was sent.
 */
public record StoredDocument(String index, String id, long version, long seqNo, byte[] source) {
}
