package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A page of results and the total number of matches (not the page length). Each result comes twice, as compact JSON:
 * the source document as it was indexed, and its rendering as Elasticsearch answers it (see {@link ResultRenderer}).
 */
public record SearchPage(long total, List<byte[]> sources, List<byte[]> rendered) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public SearchPage {
        sources = List.copyOf(sources);
        rendered = List.copyOf(rendered);
        if (sources.size() != rendered.size()) {
            throw new IllegalArgumentException("every result needs its source and its rendering");
        }
    }

    /** The source documents, parsed. */
    public List<ObjectNode> documents() {
        return parse(sources);
    }

    /** The results as Elasticsearch answers them, parsed. */
    public List<ObjectNode> renderedDocuments() {
        return parse(rendered);
    }

    private static List<ObjectNode> parse(List<byte[]> documents) {
        return documents.stream().map(document -> {
            try {
                return (ObjectNode) JSON.readTree(document);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
