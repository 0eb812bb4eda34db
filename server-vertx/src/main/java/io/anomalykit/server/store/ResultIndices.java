package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

/**
 * Elasticsearch's names for machine-learning results: the shared index, custom indices, and per-job aliases
 * ({@code .ml-anomalies-<job>} to read, {@code .ml-anomalies-.write-<job>} to write), which exist only for existing jobs.
 */
public final class ResultIndices {

    public static final String PREFIX = ".ml-anomalies-";
    public static final String SHARED = PREFIX + "shared";
    public static final String CUSTOM_PREFIX = PREFIX + "custom-";
    private static final String WRITE_PREFIX = PREFIX + ".write-";

    private ResultIndices() {
    }

    /** The alias a job's results are read through: filtered on the job. */
    public static String readAlias(String jobId) {
        return PREFIX + jobId;
    }

    /** The alias a job's results are written through. */
    public static String writeAlias(String jobId) {
        return WRITE_PREFIX + jobId;
    }

    /**
     * The concrete index a job's results go to ({@code Job.getInitialResultsIndexName}): the shared one, or the custom
     * one its {@code results_index_name} names — already {@code custom-} prefixed since jobs are created as
     * Elasticsearch creates them; jobs stored by earlier versions of this server kept the name as given.
     */
    public static String ofJob(JsonNode job) {
        String name = job.path("results_index_name").asText("shared");
        if (name.equals("shared")) {
            return SHARED;
        }
        return name.startsWith("custom-") ? PREFIX + name : CUSTOM_PREFIX + name;
    }

    /** The job a per-job alias name refers to, if the name is one. */
    public static Optional<String> aliasedJob(String name) {
        if (!name.startsWith(PREFIX) || name.equals(SHARED) || name.startsWith(CUSTOM_PREFIX)) {
            return Optional.empty();
        }
        String jobId = name.startsWith(WRITE_PREFIX) ? name.substring(WRITE_PREFIX.length()) : name.substring(PREFIX.length());
        return jobId.isEmpty() ? Optional.empty() : Optional.of(jobId);
    }
}
