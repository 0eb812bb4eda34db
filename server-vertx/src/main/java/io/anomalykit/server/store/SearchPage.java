package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A page of results and the total number of matches (not the page length). Each hit is compact JSON: the result as
 * Elasticsearch answers it from {@link ResultsStore#search}, the source document as it was indexed from
 * {@link ResultsStore#searchSources}.
 */
public record SearchPage(long total, List<byte[]> hits) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public SearchPage {
        hits = List.copyOf(hits);
    }

    /** The hits, parsed. */
    public List<ObjectNode> documents() {
        return hits.stream().map(hit -> {
            try {
                return (ObjectNode) JSON.readTree(hit);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
