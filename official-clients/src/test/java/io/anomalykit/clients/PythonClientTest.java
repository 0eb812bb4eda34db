package io.anomalykit.clients;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.server.http.EmulatedVersion;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official Python client, as the distribution packages it ({@code python3-elasticsearch}, a 7.17 client: PyPI is
 * not reachable from our machines), against the server in 8 mode: {@code src/test/python/results_client.py} runs
 * records and influencers with and without options and one error through it. A 7.17 client is the one Elastic
 * supports against 8.x during an upgrade; it checks the {@code X-Elastic-Product} header and sends plain JSON media
 * types. Skipped only where no Python interpreter can import the client.
 */
class PythonClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The interpreter on the PATH may be a private one (pyenv) without the distribution's packages. */
    private static final List<String> INTERPRETERS = List.of("python3", "/usr/bin/python3");

    @Test
    void theClientGetsRecordsInfluencersAndAnError() throws Exception {
        String python = interpreterWithClient();
        Assumptions.assumeTrue(python != null, "Python client test skipped: no python3 can import elasticsearch;"
                + " install it (Debian: apt-get install python3-elasticsearch) to run it");
        Path script = Path.of(System.getProperty("anomalykit.python.script", "src/test/python/results_client.py"));

        try (ClientTarget target = ClientTarget.start(EmulatedVersion.V8)) {
            Commands.Run run = Commands.run(Path.of("."), 120, python, script.toAbsolutePath().toString(), target.url(),
                    ClientTarget.USER, ClientTarget.PASSWORD);
            assertThat(run.exitCode()).as(run.describe()).isZero();
            JsonNode out = JSON.readTree(run.out());

            assertThat(out.get("version").asText()).startsWith("8.");
            assertThat(out.at("/records/count").asInt()).isEqualTo(16);
            assertThat(out.at("/records/length").asInt()).isEqualTo(16);
            assertThat(out.at("/records/scores/0").asDouble()).isEqualTo(88.4013);

            JsonNode filtered = out.get("recordsWithOptions");
            assertThat(filtered.get("length").asInt()).isEqualTo(2);
            assertThat(filtered.at("/scores/0").asDouble()).isEqualTo(88.4013);
            assertThat(filtered.at("/scores/1").asDouble()).isGreaterThanOrEqualTo(50).isLessThanOrEqualTo(88.4013);

            assertThat(out.at("/influencers/count").asInt()).isEqualTo(28);
            assertThat(out.at("/influencers/first").asText()).isEqualTo("online_purchases");
            assertThat(out.at("/influencers/scores/0").asDouble()).isEqualTo(94.1386);

            JsonNode ascending = out.get("influencersWithOptions");
            assertThat(ascending.get("length").asInt()).isEqualTo(3);
            assertThat(ascending.at("/scores/0").asDouble()).isGreaterThanOrEqualTo(50)
                    .isLessThanOrEqualTo(ascending.at("/scores/1").asDouble());

            assertThat(out.at("/error/name").asText()).isEqualTo("NotFoundError");
            assertThat(out.at("/error/status").asInt()).isEqualTo(404);
            assertThat(out.at("/error/type").asText()).isEqualTo("resource_not_found_exception");
            assertThat(out.at("/error/reason").asText()).isEqualTo("No known job with id 'no-such-job'");
        }
    }

    private static String interpreterWithClient() {
        for (String python : INTERPRETERS) {
            try {
                if (Commands.run(Path.of("."), 60, python, "-c", "import elasticsearch").exitCode() == 0) {
                    return python;
                }
            } catch (IOException absent) {
                // try the next one
            }
        }
        return null;
    }
}
