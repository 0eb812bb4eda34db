package io.anomalykit.server.write;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.query.RestParams;

import java.util.List;

/**
 * The indices options a create-job request gives its embedded datafeed ({@code RestPutJobAction}:
 * {@code IndicesOptions.fromRequest} over {@code SearchRequest.DEFAULT_INDICES_OPTIONS}), used when the datafeed names
 * none of its own.
 */
public record DatafeedIndicesOptions(List<String> expandWildcards, boolean ignoreUnavailable, boolean allowNoIndices,
        boolean ignoreThrottled) {

    /** {@code SearchRequest.DEFAULT_INDICES_OPTIONS}. */
    public static final DatafeedIndicesOptions DEFAULT = new DatafeedIndicesOptions(List.of("open"), false, true, true);

    /** The options from the request's parameters, each defaulting to {@link #DEFAULT}'s. */
    public static DatafeedIndicesOptions of(RestParams params) {
        String expandWildcards = params.get("expand_wildcards");
        return new DatafeedIndicesOptions(
                expandWildcards == null ? DEFAULT.expandWildcards() : List.of(expandWildcards.split(",")),
                params.flag("ignore_unavailable", DEFAULT.ignoreUnavailable()),
                params.flag("allow_no_indices", DEFAULT.allowNoIndices()),
                params.flag("ignore_throttled", DEFAULT.ignoreThrottled()));
    }

    /** As {@code IndicesOptions.toXContent} renders them inside a datafeed. */
    ObjectNode render() {
        ObjectNode out = StrictObjectReader.JSON.createObjectNode();
        expandWildcards.forEach(out.putArray("expand_wildcards")::add);
        return out.put("ignore_unavailable", ignoreUnavailable).put("allow_no_indices", allowNoIndices)
                .put("ignore_throttled", ignoreThrottled);
    }
}
