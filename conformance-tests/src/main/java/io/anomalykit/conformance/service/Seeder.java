package io.anomalykit.conformance.service;

import java.util.Map;

/**
 * Puts a dataset into a target so that afterwards the target holds the dataset's jobs and results, and creates the
 * personas the target did not supply. Whatever it creates it adds to the run's {@link Cleanup}, which deletes it when
 * the run ends; it never deletes or overwrites what it did not create.
 */
public interface Seeder {

    /**
     * Creates the dataset's jobs (their ids already carry the run's prefix) and indexes its results.
     *
     * @throws IllegalStateException when the target refused the data, with its answer, or already holds one of the jobs
     */
    void seed(Target target, Dataset dataset, Cleanup cleanup);

    /**
     * Creates users (and roles) for the personas the target did not supply credentials for, each name starting with
     * {@code prefix}, and returns their credentials. By default none: cases speaking as such a persona are then
     * skipped.
     *
     * @throws IllegalStateException when the target refused, or already holds a user or role of such a name
     */
    default Map<String, Credentials> personas(Target target, String prefix, Cleanup cleanup) {
        return Map.of();
    }
}
