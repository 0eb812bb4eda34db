package io.anomalykit.server.http;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The health probe's runs: each check's state, and probes close together sharing one run. */
class HealthCheckTest {

    @Test
    void probesWithinASecondShareOneRunOfTheChecks() throws Exception {
        AtomicInteger storeAsked = new AtomicInteger();
        Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();
        checks.put("results_store", () -> {
            storeAsked.incrementAndGet();
            return Future.succeededFuture();
        });
        checks.put("realm_files", () -> Future.failedFuture(new IllegalStateException("broken")));
        HealthCheck health = new HealthCheck(checks);

        Map<String, Boolean> first = health.run().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Map<String, Boolean> second = health.run().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

        assertThat(first).containsExactly(Map.entry("results_store", true), Map.entry("realm_files", false));
        assertThat(HealthCheck.allUp(first)).isFalse();
        assertThat(second).isEqualTo(first);
        assertThat(storeAsked).as("the second probe reused the first run").hasValue(1);
    }
}
