package io.anomalykit.conformance.target;

/** Puts a dataset into a target so that afterwards the target holds exactly the dataset's jobs and results. */
public interface Seeder {

    /** @throws IllegalStateException when the target refused the data, with its answer */
    void seed(Target target, Dataset dataset);
}
