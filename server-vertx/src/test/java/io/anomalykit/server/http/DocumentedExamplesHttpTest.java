package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.anomalykit.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server started with the demo data answers every documented example of the contract as documented, and has a
 * route for every operation of the contract.
 */
class DocumentedExamplesHttpTest {

    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "head");
    private static TestServer server;
    private static JsonNode spec;

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.withDemoData();
        try (InputStream in = DocumentedExamplesHttpTest.class.getClassLoader()
                .getResourceAsStream("anomalykit/spec/openapi.yaml")) {
            spec = new YAMLMapper().readTree(in);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @TestFactory
    List<DynamicTest> everyDocumentedExampleIsAnsweredAsDocumented() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
                JsonNode request = deref(operation.getValue().path("requestBody")).path("content")
                        .path("application/json").path("examples").path("documented");
                if (!METHODS.contains(operation.getKey()) || request.isMissingNode()) {
                    continue;
                }
                String jobId = documentedJobId(path.getValue());
                JsonNode response = deref(deref(operation.getValue().path("responses").path("200")).path("content")
                        .path("application/json").path("examples").path("documented"));
                String method = operation.getKey().toUpperCase(Locale.ROOT);
                String url = path.getKey().replace("{job_id}", jobId);
                tests.add(DynamicTest.dynamicTest(operation.getValue().get("operationId").asText() + " " + method + " " + url,
                        () -> {
                            TestServer.Answer answer = server.send(method, url, deref(request).get("value").toString());
                            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                            assertThat(answer.header("X-elastic-product")).isEqualTo("Elasticsearch");
                            List<String> prefixes = new ArrayList<>();
                            response.path("x-array-prefix").forEach(p -> prefixes.add(p.asText()));
                            assertMatches(response.get("value"), answer.json(), prefixes, "");
                        }));
            }
        }
        assertThat(tests).as("documented examples in the spec").hasSize(8);
        return tests;
    }

    @TestFactory
    List<DynamicTest> everyOperationOfTheContractHasARoute() {
        List<DynamicTest> tests = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map.Entry<String, JsonNode> path : spec.get("paths").properties()) {
            for (String method : fieldNames(path.getValue())) {
                if (!METHODS.contains(method) || !seen.add(method + path.getKey())) {
                    continue;
                }
                String url = path.getKey().replace("{job_id}", "no-such-job").replace("{index}", ".ml-anomalies-shared")
                        .replace("{id}", "some-id").replace("{username}", "someone").replace("{name}", "some-role");
                tests.add(DynamicTest.dynamicTest(method.toUpperCase(Locale.ROOT) + " " + path.getKey(), () -> {
                    TestServer.Answer answer = server.send(method.toUpperCase(Locale.ROOT), url, null);
                    assertThat(answer.status()).as(answer.body()).isNotEqualTo(405);
                    assertThat(answer.body()).doesNotContain("no handler found");
                }));
            }
        }
        assertThat(tests).hasSizeGreaterThan(20);
        return tests;
    }

    /** Numbers compare as numbers; an array named in {@code prefixes} only has to start with the expected items. */
    static void assertMatches(JsonNode expected, JsonNode actual, List<String> prefixes, String pointer) {
        if (expected.isNumber()) {
            assertThat(actual.isNumber()).as("number at %s, got %s", pointer, actual).isTrue();
            assertThat(actual.decimalValue()).as("at %s", pointer).isEqualByComparingTo(expected.decimalValue());
        } else if (expected.isArray()) {
            assertThat(actual.isArray()).as("array at %s", pointer).isTrue();
            if (prefixes.contains(pointer)) {
                assertThat(actual.size()).as("items at %s", pointer).isGreaterThanOrEqualTo(expected.size());
            } else {
                assertThat(actual.size()).as("items at %s", pointer).isEqualTo(expected.size());
            }
            for (int i = 0; i < expected.size(); i++) {
                assertMatches(expected.get(i), actual.get(i), prefixes, pointer + "/" + i);
            }
        } else if (expected.isObject()) {
            assertThat(actual.isObject()).as("object at %s", pointer).isTrue();
            assertThat(fieldNames(actual)).as("keys at %s", pointer).containsExactlyInAnyOrderElementsOf(fieldNames(expected));
            for (String field : fieldNames(expected)) {
                assertMatches(expected.get(field), actual.get(field), prefixes, pointer + "/" + field);
            }
        } else {
            assertThat(actual).as("at %s", pointer).isEqualTo(expected);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String documentedJobId(JsonNode pathItem) {
        for (JsonNode parameter : pathItem.path("parameters")) {
            JsonNode resolved = deref(parameter);
            if (resolved.path("name").asText().equals("job_id")) {
                return deref(resolved.path("examples").path("documented")).get("value").asText();
            }
        }
        throw new AssertionError("no documented job id");
    }

    private static JsonNode deref(JsonNode node) {
        JsonNode current = node;
        while (current.has("$ref")) {
            current = spec.at(current.get("$ref").asText().substring(1));
        }
        return current;
    }
}
