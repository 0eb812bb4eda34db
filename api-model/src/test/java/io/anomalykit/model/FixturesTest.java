package io.anomalykit.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.model.Contract.Example;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The fixtures are valid result documents and reproduce the documented examples' counts and top results. */
class FixturesTest {

    private static final Contract CONTRACT = Contract.get();

    /** One action line and its document from a fixture's _bulk body. */
    record Indexed(JsonNode action, JsonNode document) {
    }

    static List<Indexed> results(String jobId) throws IOException {
        List<Indexed> indexed = new ArrayList<>();
        try (InputStream in = Contract.resource("fixtures/" + jobId + ".results.ndjson");
             BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String action;
            while ((action = lines.readLine()) != null) {
                String document = lines.readLine();
                assertThat(document).as("document line after %s", action).isNotNull();
                indexed.add(new Indexed(Contract.JSON.readTree(action), Contract.JSON.readTree(document)));
            }
        }
        return indexed;
    }

    @ParameterizedTest
    @ValueSource(strings = {"it-ops-kpi", "it_ops_new_kpi"})
    void jobConfigurationIsAValidCreateJobBody(String jobId) throws IOException {
        JsonNode config;
        try (InputStream in = Contract.resource("fixtures/" + jobId + ".job.json")) {
            config = Contract.JSON.readTree(in);
        }
        assertThat(CONTRACT.validateAgainstComponent("JobConfig", config)).isEmpty();
        JobConfig parsed = ExamplesTest.MODELS.treeToValue(config, JobConfig.class);
        assertThat(parsed.getAnalysisConfig().getDetectors()).isNotEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"it-ops-kpi", "it_ops_new_kpi"})
    void everyResultDocumentIsValidAndRoundTrips(String jobId) throws Exception {
        List<Indexed> results = results(jobId);
        assertThat(results).hasSizeGreaterThan(15);
        Set<String> ids = new HashSet<>();
        for (Indexed indexed : results) {
            JsonNode target = indexed.action().get("index");
            assertThat(target.get("_index").asText()).isEqualTo(".ml-anomalies-.write-" + jobId);
            assertThat(ids.add(target.get("_id").asText())).as("unique _id %s", target.get("_id")).isTrue();

            JsonNode document = indexed.document();
            assertThat(document.get("job_id").asText()).isEqualTo(jobId);
            String schema = switch (document.get("result_type").asText()) {
                case "record" -> "AnomalyRecord";
                case "influencer" -> "Influencer";
                default -> throw new AssertionError("unexpected result type in " + document);
            };
            assertThat(CONTRACT.validateAgainstComponent(schema, document)).as("schema errors of %s", document).isEmpty();
            Class<?> model = Class.forName("io.anomalykit.model." + schema);
            JsonNode back = ExamplesTest.MODELS.valueToTree(ExamplesTest.MODELS.treeToValue(document, model));
            assertThat(Contract.numericallyEqual(document, back)).as("%s round trip:%n%s", document, back).isTrue();
        }
    }

    @Test
    void recordsFixtureReproducesTheDocumentedRecordsExample() throws IOException {
        assertReproduced("mlPostRecords", "record", "records");
    }

    @Test
    void influencersFixtureReproducesTheDocumentedInfluencersExample() throws IOException {
        assertReproduced("mlPostInfluencers", "influencer", "influencers");
    }

    /**
     * Applies the documented request to the fixture documents with a deliberately plain reading of the rules
     * (inclusive start, exclusive end, descending by the sort field) and compares with the documented response.
     */
    private void assertReproduced(String operationId, String resultType, String arrayKey) throws IOException {
        JsonNode jobId = documented(operationId, "parameter job_id");
        JsonNode request = documented(operationId, "request body application/json");
        JsonNode response = documented(operationId, "response 200 application/json");

        long start = request.has("start") ? Long.parseLong(request.get("start").asText()) : Long.MIN_VALUE;
        long end = request.has("end") ? Long.parseLong(request.get("end").asText()) : Long.MAX_VALUE;
        String sort = request.get("sort").asText();
        Comparator<JsonNode> order = Comparator.comparingDouble(d -> d.get(sort).asDouble());
        List<JsonNode> matches = results(jobId.asText()).stream()
                .map(Indexed::document)
                .filter(d -> d.get("result_type").asText().equals(resultType))
                .filter(d -> d.get("timestamp").asLong() >= start && d.get("timestamp").asLong() < end)
                .sorted(request.path("desc").asBoolean(true) ? order.reversed() : order)
                .toList();

        assertThat((long) matches.size()).isEqualTo(response.get("count").asLong());
        JsonNode shown = response.get(arrayKey);
        for (int i = 0; i < shown.size(); i++) {
            assertThat(Contract.numericallyEqual(shown.get(i), matches.get(i)))
                    .as("documented %s[%d]%n%s%nfixture gives%n%s", arrayKey, i, shown.get(i), matches.get(i))
                    .isTrue();
        }
    }

    private static JsonNode documented(String operationId, String place) {
        Example example = CONTRACT.examples().stream()
                .filter(e -> e.operationId().equals(operationId) && e.place().equals(place) && e.name().equals("documented"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no documented example at " + operationId + " " + place));
        return example.value();
    }
}
