package io.anomalykit.conformance.report;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.Contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which parts of the contract the cases exercise: per operation and parameter, how many cases; and the operations,
 * parameters, responses and documented examples that no case exercises.
 */
public record Coverage(Map<String, Integer> operations, Map<String, Integer> parameters, List<String> unexercised) {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "head");

    /** What {@code cases} exercise of the contract. */
    public static Coverage of(List<Case> cases) {
        Contract contract = Contract.get();
        Map<String, Integer> operations = new TreeMap<>();
        Map<String, Integer> parameters = new TreeMap<>();
        Map<String, Integer> responses = new TreeMap<>();
        // Every operation, parameter and response of the contract starts at zero.
        for (Map.Entry<String, JsonNode> path : contract.spec().get("paths").properties()) {
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                if (!METHODS.contains(method.getKey())) {
                    continue;
                }
                String operation = method.getValue().get("operationId").asText();
                operations.put(operation, 0);
                for (String parameter : parameterNames(contract, path.getValue(), method.getValue())) {
                    parameters.put(operation + " " + parameter, 0);
                }
                method.getValue().path("responses").fieldNames()
                        .forEachRemaining(status -> responses.put(operation + " " + status, 0));
            }
        }
        List<String> exampleIds = new ArrayList<>();
        for (Case c : cases) {
            String operation = operationOf(contract, c);
            if (operation == null) {
                continue;
            }
            operations.merge(operation, 1, Integer::sum);
            for (String parameter : parametersUsed(c)) {
                parameters.computeIfPresent(operation + " " + parameter, (k, n) -> n + 1);
            }
            if (c.expect().status() != null) {
                responses.computeIfPresent(operation + " " + c.expect().status(), (k, n) -> n + 1);
            }
            exampleIds.add(c.id());
        }
        List<String> unexercised = new ArrayList<>();
        operations.forEach((operation, n) -> {
            if (n == 0) {
                unexercised.add("operation " + operation);
            }
        });
        parameters.forEach((parameter, n) -> {
            if (n == 0 && operations.get(parameter.substring(0, parameter.indexOf(' '))) > 0) {
                unexercised.add("parameter " + parameter);
            }
        });
        responses.forEach((response, n) -> {
            if (n == 0 && operations.get(response.substring(0, response.indexOf(' '))) > 0) {
                unexercised.add("response " + response);
            }
        });
        for (String example : documentedExamples(contract)) {
            if (!exampleIds.contains(example)) {
                unexercised.add("example " + example);
            }
        }
        return new Coverage(operations, parameters, unexercised);
    }

    /** Documented examples that no case replays. The build fails when this is not empty. */
    public List<String> examplesWithoutCase() {
        return unexercised.stream().filter(u -> u.startsWith("example ")).toList();
    }

    private static List<String> parameterNames(Contract contract, JsonNode pathItem, JsonNode operation) {
        List<String> names = new ArrayList<>();
        for (JsonNode holder : List.of(pathItem.path("parameters"), operation.path("parameters"))) {
            holder.forEach(p -> {
                JsonNode resolved = contract.deref(p);
                if (resolved.path("in").asText().equals("query")) {
                    names.add(resolved.get("name").asText());
                }
            });
        }
        JsonNode body = contract.deref(contract.deref(operation.path("requestBody")).path("content").path("application/json")
                .path("schema"));
        if (body != null) {
            body.path("properties").fieldNames().forEachRemaining(name -> names.add("body." + name));
        }
        return names;
    }

    private static List<String> parametersUsed(Case c) {
        List<String> used = new ArrayList<>(c.request().query().keySet());
        if (c.request().body() != null) {
            c.request().body().fieldNames().forEachRemaining(name -> used.add("body." + name));
        }
        return used;
    }

    static String operationOf(Contract contract, Case c) {
        String template = contract.pathTemplate(c.request().path());
        if (template == null) {
            return null;
        }
        JsonNode operation = contract.spec().path("paths").path(template).path(c.request().method().toLowerCase(Locale.ROOT));
        return operation.isMissingNode() ? null : operation.path("operationId").asText(null);
    }

    private static List<String> documentedExamples(Contract contract) {
        List<String> ids = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : contract.spec().get("paths").properties()) {
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                contract.deref(method.getValue().path("requestBody")).path("content").path("application/json")
                        .path("examples").fieldNames().forEachRemaining(name -> ids.add("example."
                                + method.getValue().get("operationId").asText() + "." + name));
            }
        }
        return ids;
    }
}
