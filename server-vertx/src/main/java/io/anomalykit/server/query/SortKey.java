package io.anomalykit.server.query;

/** One level of a sort. Missing values always sort last, in either direction, as in Elasticsearch. */
public record SortKey(String field, boolean descending) {
}
