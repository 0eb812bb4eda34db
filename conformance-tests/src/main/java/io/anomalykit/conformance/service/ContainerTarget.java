package io.anomalykit.conformance.service;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

import java.time.Duration;

/**
 * An implementation started from a container image, for the kit to run against. Needs Testcontainers on the classpath
 * and a Docker engine; where there is none, guard the test with {@code @Testcontainers(disabledWithoutDocker = true)}
 * so it is skipped, not failed.
 */
public final class ContainerTarget implements AutoCloseable {

    private final GenericContainer<?> container;
    private final int port;

    private ContainerTarget(GenericContainer<?> container, int port) {
        this.container = container;
        this.port = port;
    }

    /** Starts the container and waits until {@code GET /} answers on the given port. */
    public static ContainerTarget start(GenericContainer<?> container, int port) {
        container.withExposedPorts(port)
                .waitingFor(Wait.forHttp("/").forPort(port).forStatusCodeMatching(status -> status < 500)
                        .withStartupTimeout(Duration.ofMinutes(2)))
                .start();
        return new ContainerTarget(container, port);
    }

    /** Where the started container answers: its host and mapped port, over plain HTTP. */
    public String url() {
        return "http://" + container.getHost() + ":" + container.getMappedPort(port);
    }

    /**
     * A target builder for the started container; add credentials and capabilities as for any target, or start from
     * a configuration with {@code KitConfig.target(container.url())}.
     */
    public Target.Builder target() {
        return Target.at(url());
    }

    @Override
    public void close() {
        container.stop();
    }
}
