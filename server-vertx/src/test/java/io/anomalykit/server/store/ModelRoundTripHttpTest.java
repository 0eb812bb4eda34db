package io.anomalykit.server.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.model.AnomalyRecord;
import io.anomalykit.model.Influencer;
import io.anomalykit.model.json.ModelJson;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.query.ResultType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every record and influencer of the spec's fixtures, as a real server on loopback answers it, is exactly what the
 * generated models write: read into {@link AnomalyRecord} or {@link Influencer} and written again with
 * {@link ModelJson}, each answered result comes back byte for byte.
 */
class ModelRoundTripHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper MODELS = ModelJson.newMapper();
    private static final List<String> JOBS = List.of("it-ops-kpi", "it_ops_new_kpi");
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.withDemoData();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The fixture documents of a job with the given result type, as the fixture file holds them. */
    static List<ObjectNode> fixtureDocuments(String jobId, ResultType type) throws IOException {
        List<ObjectNode> documents = new ArrayList<>();
        try (InputStream in = Objects.requireNonNull(ModelRoundTripHttpTest.class.getClassLoader()
                .getResourceAsStream("anomalykit/spec/fixtures/" + jobId + ".results.ndjson"), jobId);
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            while (lines.readLine() != null) {
                ObjectNode document = (ObjectNode) JSON.readTree(lines.readLine());
                if (document.path("result_type").asText().equals(type.value())) {
                    documents.add(document);
                }
            }
        }
        return documents;
    }

    /** The text of each element of the answer's result array, exactly as the server wrote it. */
    static List<String> answeredResults(String body, String arrayName) throws IOException {
        List<String> results = new ArrayList<>();
        try (JsonParser parser = JSON.getFactory().createParser(body)) {
            assertThat(parser.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean wanted = parser.currentName().equals(arrayName);
                JsonToken value = parser.nextToken();
                if (!wanted) {
                    parser.skipChildren();
                    continue;
                }
                assertThat(value).isEqualTo(JsonToken.START_ARRAY);
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    int start = (int) parser.currentTokenLocation().getCharOffset();
                    parser.skipChildren();
                    int end = (int) parser.currentLocation().getCharOffset();
                    results.add(body.substring(start, end));
                }
            }
        }
        return results;
    }

    @TestFactory
    List<DynamicTest> everyFixtureResultAsAnsweredRoundTripsThroughItsModel() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        int documents = 0;
        for (String jobId : JOBS) {
            for (ResultType type : ResultType.values()) {
                List<ObjectNode> fixtures = fixtureDocuments(jobId, type);
                documents += fixtures.size();
                TestServer.Answer answer = server.get("/_ml/anomaly_detectors/" + jobId + "/results/"
                        + type.arrayField() + "?size=10000");
                assertThat(answer.status()).as(answer.body()).isEqualTo(200);
                List<String> answered = answeredResults(answer.body(), type.arrayField());
                assertThat(answer.json().get("count").asInt()).isEqualTo(fixtures.size());
                // Each fixture document is answered, as the store rendered it when it was indexed.
                List<String> rendered = new ArrayList<>();
                fixtures.forEach(document -> rendered.add(new String(ResultRenderer.renderJson(type, document),
                        StandardCharsets.UTF_8)));
                assertThat(answered).as("%s %s answered", jobId, type.arrayField())
                        .containsExactlyInAnyOrderElementsOf(rendered);
                Class<?> model = type == ResultType.RECORD ? AnomalyRecord.class : Influencer.class;
                for (int i = 0; i < fixtures.size(); i++) {
                    String text = rendered.get(i);
                    tests.add(DynamicTest.dynamicTest(jobId + " " + type.value() + " #" + i, () -> {
                        Object parsed = MODELS.readValue(text, model);
                        assertThat(ModelJson.writer().writeValueAsString(parsed)).isEqualTo(text);
                    }));
                }
            }
        }
        assertThat(documents).as("record and influencer documents in the fixtures").isEqualTo(50);
        return tests;
    }
}
