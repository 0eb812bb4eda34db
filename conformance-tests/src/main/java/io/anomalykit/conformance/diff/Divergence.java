package io.anomalykit.conformance.diff;

/**
 * One way the target's answer differs from the reference's.
 *
 * @param cause     the difference without what is particular to the case (array positions become {@code []}), so
 *                  that one bug shown by many requests is one finding: {@code status 404 -> 400},
 *                  {@code error.type resource_not_found_exception -> illegal_argument_exception},
 *                  {@code missing field /records/[]/probability}
 * @param path      where, as a JSON pointer, or {@code (status)} / {@code (header NAME)}
 * @param reference the reference's value
 * @param target    the target's value
 */
record Divergence(String cause, String path, String reference, String target) {
}
