package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** A page of stored result documents and the total number of matches (not the page length). */
public record SearchPage(long total, List<ObjectNode> documents) {

    public SearchPage {
        documents = List.copyOf(documents);
    }
}
