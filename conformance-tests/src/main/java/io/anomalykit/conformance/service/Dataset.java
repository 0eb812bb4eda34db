package io.anomalykit.conformance.service;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * Jobs and their results, as a kit case needs them: each job's create-job body and one {@code _bulk} body holding every
 * result document (indexed into the jobs' write aliases).
 */
public record Dataset(String name, Map<String, ObjectNode> jobs, String bulkBody) {

    public Dataset {
        jobs = Map.copyOf(jobs);
    }
}
