package io.anomalykit.conformance.check;

/** One place where the answer differs from what Elasticsearch gives: a JSON pointer, expected and actual. */
public record Difference(String path, String expected, String actual) {

    @Override
    public String toString() {
        return "at " + (path.isEmpty() ? "/" : path) + ": expected " + expected + " but was " + actual;
    }
}
