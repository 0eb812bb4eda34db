package io.anomalykit.conformance.service;

/** Puts a dataset into a target so that afterwards the target holds exactly the dataset's jobs and results. */
public interface Seeder {

    /** @throws IllegalStateException when the target refused the data, with its answer */
    void seed(Target target, Dataset dataset);

    /**
     * Creates users for the personas the target did not supply credentials for, and returns their credentials. By
     * default none: cases speaking as such a persona are then skipped.
     */
    default java.util.Map<String, Credentials> personas(Target target) {
        return java.util.Map.of();
    }
}
