package io.anomalykit.conformance.cases;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.conformance.service.Capability;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns every documented example of the contract into a case, straight from the spec: the request example, the path
 * parameters' examples and the response example that share a name make one case, with no copy in the case files.
 */
final class DocumentedExamples {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete");

    private DocumentedExamples() {
    }

    /**
     * @param ruleLevels the level of the rule that asserts each ledger entry: an example of an operation that names a
     *                   ledger entry sits at that rule's level, every other example is required
     */
    static List<Case> cases(Contract contract, Map<String, Level> ruleLevels) {
        List<Case> cases = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : contract.spec().get("paths").properties()) {
            for (Map.Entry<String, JsonNode> entry : path.getValue().properties()) {
                if (!METHODS.contains(entry.getKey())) {
                    continue;
                }
                JsonNode operation = entry.getValue();
                JsonNode requestExamples = contract.deref(operation.path("requestBody")).path("content")
                        .path("application/json").path("examples");
                JsonNode responseExamples = contract.deref(operation.path("responses").path("200")).path("content")
                        .path("application/json").path("examples");
                for (Map.Entry<String, JsonNode> example : requestExamples.properties()) {
                    JsonNode request = contract.deref(example.getValue());
                    JsonNode response = contract.deref(responseExamples.path(example.getKey()));
                    if (response == null || response.isMissingNode()) {
                        continue;
                    }
                    cases.add(toCase(contract, path.getKey(), path.getValue(), entry.getKey(), operation, example.getKey(),
                            request, response, ruleLevels));
                }
            }
        }
        return cases;
    }

    private static Case toCase(Contract contract, String template, JsonNode pathItem, String method, JsonNode operation,
                               String name, JsonNode request, JsonNode response, Map<String, Level> ruleLevels) {
        String path = template;
        for (JsonNode parameter : pathItem.path("parameters")) {
            JsonNode resolved = contract.deref(parameter);
            if (resolved.path("in").asText().equals("path")) {
                JsonNode value = contract.deref(resolved.path("examples").path(name)).path("value");
                path = path.replace("{" + resolved.get("name").asText() + "}", value.asText());
            }
        }
        Set<Capability> needs = EnumSet.of(Capability.ELASTICSEARCH_SEEDING);
        if (template.startsWith("/_xpack/")) {
            needs.add(Capability.LEGACY_PREFIX);
        }
        if (method.equals("get")) {
            needs.add(Capability.GET_WITH_BODY);
        }
        List<String> prefixes = new ArrayList<>();
        response.path("x-array-prefix").forEach(pointer -> prefixes.add(pointer.asText()));
        String operationId = operation.get("operationId").asText();
        String ledger = operation.hasNonNull("x-discrepancy") ? operation.get("x-discrepancy").asText() : null;
        return new Case("example." + operationId + "." + name, ledger == null ? Level.REQUIRED
                : ruleLevels.getOrDefault(ledger, Level.REQUIRED), "example",
                response.path("summary").asText(operationId + " example " + name),
                "spec example '" + name + "' of " + operationId + " (" + response.path("x-source").asText("the contract") + ")",
                ledger,
                CaseLibrary.DOCUMENTED_DATASET, needs,
                new Case.Request(method.toUpperCase(Locale.ROOT), path, Map.of(), request.get("value"), null,
                        "application/json", null, Map.of()),
                new Case.Expectation(200, null, null, Map.of("X-elastic-product", "Elasticsearch"), List.of(),
                        response.get("value"), prefixes, Map.of(), Map.of(), null, true));
    }
}
