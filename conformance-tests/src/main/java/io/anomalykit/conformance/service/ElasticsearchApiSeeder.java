package io.anomalykit.conformance.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Seeds with Elasticsearch's own APIs only, so the same run works against a real cluster: create each job (refusing to
 * touch one that is already there), {@code _bulk} the results with {@code refresh=true}; deleting a job at the end
 * deletes its results too.
 */
final class ElasticsearchApiSeeder implements Seeder {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void seed(Target target, Dataset dataset, Cleanup cleanup) {
        TargetClient client = new TargetClient(target);
        Credentials superuser = target.credentials(Persona.SUPERUSER).orElse(null);
        for (Map.Entry<String, ObjectNode> job : dataset.jobs().entrySet()) {
            String path = "/_ml/anomaly_detectors/" + job.getKey();
            TargetClient.Reply created = client.send("PUT", path, job.getValue().toString(), "application/json",
                    superuser, Map.of());
            if (created.status() != 200) {
                throw "resource_already_exists_exception".equals(errorType(created))
                        ? alreadyThere("job " + job.getKey()) : refused("create job " + job.getKey(), created);
            }
            cleanup.created("job " + job.getKey(), () -> delete(client, superuser, path + "?force=true"));
        }
        TargetClient.Reply bulk = client.send("POST", "/_bulk?refresh=true", dataset.bulkBody(), "application/x-ndjson",
                superuser, Map.of());
        if (bulk.status() != 200 || errors(bulk)) {
            throw refused("_bulk of dataset " + dataset.name(), bulk);
        }
    }

    /**
     * Creates the personas the target lacks through Elasticsearch's role and user APIs, with fresh random passwords:
     * roles {@code <prefix>role-nothing} (no privileges) and {@code <prefix>role-cluster-only} ({@code monitor_ml}
     * alone), and one user per persona, {@code <prefix>no-privileges} and so on. A user or role of such a name that is
     * already there is left alone and fails the seeding: a PUT would overwrite it.
     */
    @Override
    public Map<String, Credentials> personas(Target target, String prefix, Cleanup cleanup) {
        TargetClient client = new TargetClient(target);
        Credentials superuser = target.credentials(Persona.SUPERUSER).orElse(null);
        String nothing = prefix + "role-nothing";
        String clusterOnly = prefix + "role-cluster-only";
        Map<String, String> roles = new LinkedHashMap<>();
        roles.put(Persona.NO_PRIVILEGES, nothing);
        roles.put(Persona.CLUSTER_WITHOUT_INDEX_READ, clusterOnly);
        roles.put(Persona.ML_USER, "machine_learning_user");
        roles.put(Persona.ML_ADMIN, "machine_learning_admin");
        roles.keySet().removeIf(persona -> target.credentials(persona).isPresent());
        if (roles.containsValue(nothing)) {
            create(client, superuser, cleanup, "role", nothing, "{}");
        }
        if (roles.containsValue(clusterOnly)) {
            create(client, superuser, cleanup, "role", clusterOnly, "{\"cluster\":[\"monitor_ml\"]}");
        }
        Map<String, Credentials> created = new LinkedHashMap<>();
        for (Map.Entry<String, String> persona : roles.entrySet()) {
            String user = prefix + persona.getKey().replace('_', '-');
            String password = UUID.randomUUID().toString();
            create(client, superuser, cleanup, "user", user, "{\"password\":\"" + password + "\",\"roles\":[\""
                    + persona.getValue() + "\"]}");
            created.put(persona.getKey(), new Credentials.Basic(user, password));
        }
        return created;
    }

    /** Creates a user or role that must not exist yet, and remembers to delete it. */
    private static void create(TargetClient client, Credentials superuser, Cleanup cleanup, String kind, String name,
                               String body) {
        String path = "/_security/" + kind + "/" + name;
        TargetClient.Reply existing = client.send("GET", path, null, null, superuser, Map.of());
        if (existing.status() == 200) {
            throw alreadyThere(kind + " " + name);
        }
        if (existing.status() != 404) {
            throw refused("GET " + path, existing);
        }
        TargetClient.Reply reply = client.send("PUT", path, body, "application/json", superuser, Map.of());
        if (reply.status() != 200) {
            throw refused("PUT " + path, reply);
        }
        if (!created(reply, kind)) {
            // Someone else made it between the GET and the PUT: it is theirs, so it is neither kept nor deleted.
            throw alreadyThere(kind + " " + name);
        }
        cleanup.created(kind + " " + name, () -> delete(client, superuser, path));
    }

    /** The put-user answer's {@code created}, or the put-role answer's {@code role.created}; true when neither says. */
    private static boolean created(TargetClient.Reply reply, String kind) {
        try {
            JsonNode answer = JSON.readTree(reply.body());
            JsonNode flag = kind.equals("role") ? answer.path("role").path("created") : answer.path("created");
            return !flag.isBoolean() || flag.booleanValue();
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Deletes; a thing already gone counts as deleted. */
    private static void delete(TargetClient client, Credentials superuser, String path) {
        TargetClient.Reply reply = client.send("DELETE", path, null, null, superuser, Map.of());
        if (reply.status() != 200 && reply.status() != 404) {
            throw refused("DELETE " + path, reply);
        }
    }

    private static IllegalStateException alreadyThere(String what) {
        return new IllegalStateException("seeding failed: the target already holds the " + what + ", which this run did"
                + " not create and so will neither overwrite nor delete; choose another run-prefix");
    }

    private static String errorType(TargetClient.Reply reply) {
        try {
            JsonNode body = JSON.readTree(reply.body());
            return body == null ? null : body.path("error").path("type").asText(null);
        } catch (IOException e) {
            return null;
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
