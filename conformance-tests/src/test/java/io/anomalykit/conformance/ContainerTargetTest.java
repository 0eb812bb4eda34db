package io.anomalykit.conformance;

import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.config.Setting;
import io.anomalykit.conformance.junit.Conformance;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.ContainerTarget;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit against our server started from its container image. Where there is no Docker engine (as on our machines),
 * the whole class is skipped, never failed; the image is built only where an engine exists.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerTargetTest {

    @Test
    void theServerImagePassesTheRequiredCases() {
        ImageFromDockerfile image = new ImageFromDockerfile("anomalykit/server-test", true)
                .withFileFromPath("Dockerfile", Path.of("..", "server-vertx", "Dockerfile"))
                .withFileFromPath("target/anomalykit-server.jar", Path.of("..", "server-vertx", "target",
                        "anomalykit-server.jar"));
        GenericContainer<?> server = new GenericContainer<>(image).withEnv("ELASTIC_PASSWORD", ReferenceServer.PASSWORD);
        try (ContainerTarget container = ContainerTarget.start(server, 9200)) {
            KitConfig config = KitConfig.builder().set(Setting.USER, ReferenceServer.USER)
                    .set(Setting.PASSWORD_ENV, "ELASTIC_PASSWORD").build(Map.of("ELASTIC_PASSWORD", ReferenceServer.PASSWORD));
            RunRecord run = Conformance.run(config.target(container.url()).build(), config);
            Conformance.assertPassed(run);
            assertThat(run.outcomes()).noneMatch(o -> o.result() == Outcome.Result.FAILED);
        }
    }
}
