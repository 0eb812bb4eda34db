package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code GET /_anomalykit/health}, for orchestrators: each named check runs (bounded by a timeout) and the answer is
 * the JSON of Vert.x's health checks, {@code {"status":"UP|DOWN","checks":[{"id":…,"status":…}]}}, 200 when every
 * check is up and 503 otherwise. It needs no credentials, so it names its checks and their states and nothing more (no
 * failure message, address or user).
 */
public final class HealthCheck {

    /** Where it answers, relative to the router. */
    public static final String PATH = "/_anomalykit/health";
    /** A check that has not answered by then is down. */
    static final long TIMEOUT_MILLIS = 5_000;

    /** How long one run's outcome answers later probes: anonymous probes must not each reach the stores. */
    static final long REUSE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Map<String, Supplier<Future<?>>> checks;
    private Future<Map<String, Boolean>> lastRun;
    private long lastRunStarted;

    /** @param checks by id, in the order they are reported; each succeeds when its part is healthy */
    public HealthCheck(Map<String, Supplier<Future<?>>> checks) {
        this.checks = new LinkedHashMap<>(checks);
    }

    /**
     * Every check's state: true for each id whose check succeeded in time. A run started less than a second ago (still
     * running or done) answers for this one.
     */
    synchronized Future<Map<String, Boolean>> run() {
        long now = System.nanoTime();
        if (lastRun == null || now - lastRunStarted > REUSE_NANOS) {
            lastRun = runChecks();
            lastRunStarted = now;
        }
        return lastRun;
    }

    private Future<Map<String, Boolean>> runChecks() {
        List<String> ids = new ArrayList<>(checks.keySet());
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (String id : ids) {
            Future<?> check;
            try {
                check = checks.get(id).get();
            } catch (RuntimeException e) {
                check = Future.failedFuture(e);
            }
            outcomes.add(check.timeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).map(ignored -> true)
                    .otherwise(false));
        }
        return Future.all(outcomes).map(all -> {
            Map<String, Boolean> states = new LinkedHashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                states.put(ids.get(i), outcomes.get(i).result());
            }
            return states;
        });
    }

    /** Whether every check of a run is up. */
    static boolean allUp(Map<String, Boolean> states) {
        return !states.containsValue(false);
    }

    void handle(RoutingContext rc) {
        run().onComplete(done -> {
            Map<String, Boolean> states = done.result();
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put("status", allUp(states) ? "UP" : "DOWN");
            ArrayNode list = body.putArray("checks");
            states.forEach((id, up) -> list.addObject().put("id", id).put("status", up ? "UP" : "DOWN"));
            rc.response().setStatusCode(allUp(states) ? 200 : 503)
                    .putHeader("content-type", "application/json;charset=UTF-8")
                    .putHeader("cache-control", "no-store")
                    .end(body.toString());
        });
    }
}
