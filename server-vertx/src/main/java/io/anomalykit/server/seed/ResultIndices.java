package io.anomalykit.server.seed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;

import java.util.Optional;
import java.util.function.Function;

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

    /** The job a per-job alias name refers to, if the name is one. */
    public static Optional<String> aliasedJob(String name) {
        if (!name.startsWith(PREFIX) || name.equals(SHARED) || name.startsWith(CUSTOM_PREFIX)) {
            return Optional.empty();
        }
        String jobId = name.startsWith(WRITE_PREFIX) ? name.substring(WRITE_PREFIX.length()) : name.substring(PREFIX.length());
        return jobId.isEmpty() ? Optional.empty() : Optional.of(jobId);
    }

    /**
     * The concrete index a document written to {@code name} lands in.
     *
     * @throws EsException for a job alias of a job that does not exist, or a name that is not a results index
     */
    public static String resolve(String name, Function<String, Optional<ObjectNode>> jobs) {
        if (name.equals(SHARED) || name.startsWith(CUSTOM_PREFIX) && name.length() > CUSTOM_PREFIX.length()) {
            return name;
        }
        Optional<String> jobId = aliasedJob(name);
        if (jobId.isPresent()) {
            return jobs.apply(jobId.get()).map(Jobs::resultsIndex).orElseThrow(() -> EsException.of(404,
                    "index_not_found_exception", "no such index [" + name + "]").withMetadata("resource.type", "index_or_alias")
                    .withMetadata("resource.id", name).withMetadata("index", name));
        }
        throw EsException.illegalArgument("index [" + name + "] is not a machine learning results index: this server stores "
                + "results only, in [" + SHARED + "], [" + CUSTOM_PREFIX + "*] or a job's aliases");
    }
}
