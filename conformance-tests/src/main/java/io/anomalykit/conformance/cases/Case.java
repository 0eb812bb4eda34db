package io.anomalykit.conformance.cases;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.conformance.service.Capability;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One rule, as data: what to send and what Elasticsearch answers.
 *
 * @param kind     where the rule comes from: {@code example} (a documented example of the spec), {@code behaviour},
 *                 {@code negative} or {@code protocol}
 * @param source   the documented example or Elasticsearch behaviour (with its reference) the rule stands on
 * @param ledger   the id of the discrepancy-ledger entry this case asserts (the spec's {@code x-discrepancies}), or null
 * @param dataset  the data the target must hold first
 * @param needs    capabilities without which the case is skipped
 */
public record Case(String id, Level level, String kind, String title, String source, String ledger, String dataset,
                   Set<Capability> needs, Request request, Expectation expect) {

    /**
     * What to send. {@code body} is JSON, sent in {@code format} ({@code json}, {@code yaml}, {@code cbor} or
     * {@code smile}; null for JSON); {@code rawBody}, when set, is sent as it is (for malformed bodies).
     */
    public record Request(String method, String path, Map<String, String> query, JsonNode body, String rawBody,
                          String contentType, String persona, Map<String, String> headers, String format) {

        /** A request whose body, if any, is sent as JSON. */
        public Request(String method, String path, Map<String, String> query, JsonNode body, String rawBody,
                       String contentType, String persona, Map<String, String> headers) {
            this(method, path, query, body, rawBody, contentType, persona, headers, null);
        }
    }

    /**
     * What must come back. Every part left null is not checked.
     *
     * @param body          the whole body, compared with {@link #prefixArrays} (JSON pointers of arrays that only have
     *                      to start with the given items)
     * @param at            JSON pointer to expected value
     * @param lengths       JSON pointer of an array to its expected number of items
     * @param sortedBy      the array and field whose values must be in order, e.g. {@code records/record_score desc}
     * @param absentHeaders headers that must not be there
     */
    public record Expectation(Integer status, String errorType, String reasonContains, Map<String, String> headers,
                              List<String> absentHeaders, JsonNode body, List<String> prefixArrays, Map<String, JsonNode> at,
                              Map<String, Integer> lengths, String sortedBy, boolean validateSchema) {
    }

    /** {@code [id] level: title}, the name a case's test and report line carry. */
    public String displayName() {
        return "[" + id + "] " + level + ": " + title;
    }
}
