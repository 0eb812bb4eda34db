package io.anomalykit.conformance.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Seeds with Elasticsearch's own APIs only, so the same run works against a real cluster: delete and re-create each
 * job, {@code _bulk} the results with {@code refresh=true}.
 */
final class ElasticsearchApiSeeder implements Seeder {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void seed(Target target, Dataset dataset) {
        TargetClient client = new TargetClient(target);
        Credentials superuser = target.credentials(Persona.SUPERUSER).orElse(null);
        for (Map.Entry<String, ObjectNode> job : dataset.jobs().entrySet()) {
            String path = "/_ml/anomaly_detectors/" + job.getKey();
            TargetClient.Reply deleted = client.send("DELETE", path + "?force=true", null, null, superuser, Map.of());
            if (deleted.status() != 200 && deleted.status() != 404) {
                throw refused("delete job " + job.getKey(), deleted);
            }
            TargetClient.Reply created = client.send("PUT", path, job.getValue().toString(), "application/json",
                    superuser, Map.of());
            if (created.status() != 200) {
                throw refused("create job " + job.getKey(), created);
            }
        }
        TargetClient.Reply bulk = client.send("POST", "/_bulk?refresh=true", dataset.bulkBody(), "application/x-ndjson",
                superuser, Map.of());
        if (bulk.status() != 200 || errors(bulk)) {
            throw refused("_bulk of dataset " + dataset.name(), bulk);
        }
    }

    /**
     * Creates the personas the target lacks through Elasticsearch's role and user APIs, with fresh random passwords:
     * roles {@code anomalykit_nothing} (no privileges) and {@code anomalykit_cluster_only} ({@code monitor_ml} alone),
     * and one user per persona.
     */
    @Override
    public Map<String, Credentials> personas(Target target) {
        TargetClient client = new TargetClient(target);
        Credentials superuser = target.credentials(Persona.SUPERUSER).orElse(null);
        put(client, superuser, "/_security/role/anomalykit_nothing", "{}");
        put(client, superuser, "/_security/role/anomalykit_cluster_only", "{\"cluster\":[\"monitor_ml\"]}");
        Map<String, String> roles = new LinkedHashMap<>();
        roles.put(Persona.NO_PRIVILEGES, "anomalykit_nothing");
        roles.put(Persona.CLUSTER_WITHOUT_INDEX_READ, "anomalykit_cluster_only");
        roles.put(Persona.ML_USER, "machine_learning_user");
        roles.put(Persona.ML_ADMIN, "machine_learning_admin");
        Map<String, Credentials> created = new LinkedHashMap<>();
        for (Map.Entry<String, String> persona : roles.entrySet()) {
            if (target.credentials(persona.getKey()).isPresent()) {
                continue;
            }
            String user = "anomalykit-" + persona.getKey().replace('_', '-');
            String password = UUID.randomUUID().toString();
            put(client, superuser, "/_security/user/" + user, "{\"password\":\"" + password + "\",\"roles\":[\""
                    + persona.getValue() + "\"]}");
            created.put(persona.getKey(), new Credentials.Basic(user, password));
        }
        return created;
    }

    private static void put(TargetClient client, Credentials superuser, String path, String body) {
        TargetClient.Reply reply = client.send("PUT", path, body, "application/json", superuser, Map.of());
        if (reply.status() != 200) {
            throw refused("PUT " + path, reply);
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
