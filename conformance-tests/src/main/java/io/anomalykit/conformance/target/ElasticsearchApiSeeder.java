package io.anomalykit.conformance.target;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Map;

/**
 * Seeds with Elasticsearch's own APIs only, so the same run works against a real cluster: delete and re-create each
 * job, {@code _bulk} the results with {@code refresh=true}.
 */
public final class ElasticsearchApiSeeder implements Seeder {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void seed(Target target, Dataset dataset) {
        TargetClient client = new TargetClient(target);
        for (Map.Entry<String, com.fasterxml.jackson.databind.node.ObjectNode> job : dataset.jobs().entrySet()) {
            String path = "/_ml/anomaly_detectors/" + job.getKey();
            TargetClient.Reply deleted = client.send("DELETE", path + "?force=true", null, null, Persona.SUPERUSER, Map.of());
            if (deleted.status() != 200 && deleted.status() != 404) {
                throw refused("delete job " + job.getKey(), deleted);
            }
            TargetClient.Reply created = client.send("PUT", path, job.getValue().toString(), "application/json",
                    Persona.SUPERUSER, Map.of());
            if (created.status() != 200) {
                throw refused("create job " + job.getKey(), created);
            }
        }
        TargetClient.Reply bulk = client.send("POST", "/_bulk?refresh=true", dataset.bulkBody(), "application/x-ndjson",
                Persona.SUPERUSER, Map.of());
        if (bulk.status() != 200 || errors(bulk)) {
            throw refused("_bulk of dataset " + dataset.name(), bulk);
        }
    }

    private static boolean errors(TargetClient.Reply reply) {
        try {
            JsonNode body = JSON.readTree(reply.body());
            return body == null || body.path("errors").asBoolean(true);
        } catch (IOException e) {
            return true;
        }
    }

    private static IllegalStateException refused(String what, TargetClient.Reply reply) {
        String body = reply.body() == null ? "" : reply.body();
        return new IllegalStateException("seeding failed: " + what + " answered " + reply.status() + ": "
                + (body.length() > 500 ? body.substring(0, 500) + "..." : body));
    }
}
