package io.anomalykit.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.server.http.EmulatedVersion;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official JavaScript client, each major against the server emulating that major: installed with npm under
 * {@code target/js} (from the npm registry, once), then {@code src/test/js/results-client.js} runs records and
 * influencers with and without options and one error through it. The 8.x client sends
 * {@code Accept: application/vnd.elasticsearch+json; compatible-with=8,text/plain}, a media range that Elasticsearch's
 * {@code ParsedMediaType.parseMediaType} treats as no Accept header. Skipped only where node or npm is not installed.
 */
class JavaScriptClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "@elastic/elasticsearch {0} against {1}")
    @CsvSource({"anomalykit.js8.version, V8", "anomalykit.js9.version, V9"})
    void theClientGetsRecordsInfluencersAndAnError(String versionProperty, EmulatedVersion mode) throws Exception {
        String missing = Commands.missing();
        Assumptions.assumeTrue(missing == null, () -> "JavaScript client test skipped: " + missing
                + "; install Node.js and npm (Debian: apt-get install nodejs npm) to run it");
        String version = System.getProperty(versionProperty);
        assertThat(version).as("system property %s (set by the module's surefire configuration)", versionProperty)
                .isNotBlank();
        Path clientDir = Commands.installClient(Path.of(System.getProperty("anomalykit.js.dir", "target/js")), version);
        Path script = Path.of(System.getProperty("anomalykit.js.script", "src/test/js/results-client.js"));

        try (ClientTarget target = ClientTarget.start(mode)) {
            Commands.Run run = Commands.run(clientDir, 120, "node", script.toAbsolutePath().toString(),
                    clientDir.toAbsolutePath().toString(), target.url(), ClientTarget.USER, ClientTarget.PASSWORD);
            assertThat(run.exitCode()).as(run.describe()).isZero();
            JsonNode out = JSON.readTree(run.out());

            assertThat(out.get("version").asText()).startsWith(mode.major() + ".");

            assertThat(out.at("/records/count").asInt()).isEqualTo(16);
            assertThat(out.at("/records/length").asInt()).isEqualTo(16);
            assertThat(out.at("/records/scores/0").asDouble()).isEqualTo(88.4013);

            JsonNode filtered = out.get("recordsWithOptions");
            assertThat(filtered.get("length").asInt()).isEqualTo(2);
            assertThat(filtered.get("count").asInt()).isBetween(2, 15);
            assertThat(doubles(filtered.get("scores"))).allSatisfy(score -> assertThat(score).isGreaterThanOrEqualTo(50))
                    .isSortedAccordingTo((a, b) -> Double.compare(b, a)).first().isEqualTo(88.4013);

            assertThat(out.at("/influencers/count").asInt()).isEqualTo(28);
            assertThat(out.at("/influencers/first").asText()).isEqualTo("online_purchases");
            assertThat(out.at("/influencers/scores/0").asDouble()).isEqualTo(94.1386);

            JsonNode ascending = out.get("influencersWithOptions");
            assertThat(ascending.get("length").asInt()).isEqualTo(3);
            assertThat(ascending.get("count").asInt()).isBetween(3, 27);
            assertThat(doubles(ascending.get("scores"))).allSatisfy(score -> assertThat(score).isGreaterThanOrEqualTo(50))
                    .isSorted();

            assertThat(out.at("/error/name").asText()).isEqualTo("ResponseError");
            assertThat(out.at("/error/status").asInt()).isEqualTo(404);
            assertThat(out.at("/error/type").asText()).isEqualTo("resource_not_found_exception");
            assertThat(out.at("/error/reason").asText()).isEqualTo("No known job with id 'no-such-job'");
        }
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asDouble()));
        return values;
    }
}
