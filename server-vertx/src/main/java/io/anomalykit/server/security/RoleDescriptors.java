package io.anomalykit.server.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Role descriptors as the get-role API shows them ({@code RoleDescriptor.toXContent}): {@code cluster},
 * {@code indices} (each {@code names}, {@code privileges}, {@code field_security}?, {@code query}?,
 * {@code allow_restricted_indices}), {@code applications}, {@code run_as}, {@code metadata},
 * {@code transient_metadata}, then {@code description} when there is one; and the built-in roles this server has, as
 * {@code ReservedRolesStore} defines them.
 */
final class RoleDescriptors {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The built-in roles, the one definition both authorization ({@link Role#BUILT_IN}) and the get-role API read.
     * {@code ReservedRolesStore}'s descriptors, descriptions included, without what this server does not model: the
     * superuser's second index group (read on restricted indices) and its remote indices and clusters.
     */
    static final Map<String, ObjectNode> BUILT_IN = new LinkedHashMap<>();

    static {
        BUILT_IN.put("superuser", builtIn("""
                {"cluster":["all"],"indices":[{"names":["*"],"privileges":["all"],"allow_restricted_indices":false}],
                 "applications":[{"application":"*","privileges":["*"],"resources":["*"]}],"run_as":["*"],
                 "description":"Grants full access to cluster management and data indices. This role also grants direct \
                read-only access to restricted indices like .security. A user with this role can impersonate any other user \
                in the system, manage security and create roles with unlimited privileges. Take extra care when assigning \
                it to a user."}"""));
        BUILT_IN.put("machine_learning_admin", builtIn("""
                {"cluster":["manage_ml"],"indices":[
                  {"names":[".ml-anomalies*",".ml-notifications*",".ml-state*",".ml-meta*",".ml-stats-*"],
                   "privileges":["view_index_metadata","read"],"allow_restricted_indices":true},
                  {"names":[".ml-annotations*"],"privileges":["view_index_metadata","read","write"],
                   "allow_restricted_indices":false}],
                 "applications":[{"application":"kibana-*","privileges":["reserved_ml_admin"],"resources":["*"]}],
                 "description":"Provides all of the privileges of the machine_learning_user role plus the full use of the \
                machine learning APIs. Grants manage_ml cluster privileges, read access to .ml-anomalies*, \
                .ml-notifications*, .ml-state*, .ml-meta* indices and write access to .ml-annotations* indices. Machine \
                learning administrators also need index privileges for source and destination indices and roles that grant \
                access to Kibana."}"""));
        BUILT_IN.put("machine_learning_user", builtIn("""
                {"cluster":["monitor_ml"],"indices":[
                  {"names":[".ml-anomalies*",".ml-notifications*"],"privileges":["view_index_metadata","read"],
                   "allow_restricted_indices":false},
                  {"names":[".ml-annotations*"],"privileges":["view_index_metadata","read","write"],
                   "allow_restricted_indices":false}],
                 "applications":[{"application":"kibana-*","privileges":["reserved_ml_user"],"resources":["*"]}],
                 "description":"Grants the minimum privileges required to view machine learning configuration, status, and \
                work with results. This role grants monitor_ml cluster privileges, read access to the .ml-notifications and \
                .ml-anomalies* indices (which store machine learning results), and write access to .ml-annotations* \
                indices. Machine learning users also need index privileges for source and destination indices and roles \
                that grant access to Kibana. "}"""));
    }

    private RoleDescriptors() {
    }

    private static ObjectNode builtIn(String definition) {
        try {
            ObjectNode descriptor = (ObjectNode) JSON.readTree(definition);
            descriptor.putObject("metadata").put("_reserved", true);
            return render(descriptor);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A descriptor as it was put, in the get-role API's shape with the defaults Elasticsearch fills in. */
    static ObjectNode render(JsonNode descriptor) {
        ObjectNode shown = JSON.createObjectNode();
        shown.set("cluster", strings(descriptor.path("cluster")));
        if (descriptor.has("global")) {
            shown.set("global", descriptor.get("global"));
        }
        ArrayNode indices = shown.putArray("indices");
        for (JsonNode grant : descriptor.path("indices")) {
            ObjectNode group = indices.addObject();
            group.set("names", strings(grant.path("names")));
            group.set("privileges", strings(grant.path("privileges")));
            if (grant.hasNonNull("field_security")) {
                JsonNode fields = grant.get("field_security");
                ObjectNode security = group.putObject("field_security");
                if (fields.has("grant")) {
                    security.set("grant", strings(fields.get("grant")));
                }
                if (fields.has("except")) {
                    security.set("except", strings(fields.get("except")));
                }
            }
            if (grant.hasNonNull("query")) {
                // Elasticsearch keeps a role's query as the text it was given, and shows it as a string.
                JsonNode query = grant.get("query");
                group.put("query", query.isTextual() ? query.asText() : query.toString());
            }
            group.put("allow_restricted_indices", grant.path("allow_restricted_indices").asBoolean(false));
        }
        ArrayNode applications = shown.putArray("applications");
        for (JsonNode application : descriptor.path("applications")) {
            ObjectNode shownApplication = applications.addObject();
            shownApplication.put("application", application.path("application").asText());
            shownApplication.set("privileges", strings(application.path("privileges")));
            shownApplication.set("resources", strings(application.path("resources")));
        }
        shown.set("run_as", strings(descriptor.path("run_as")));
        shown.set("metadata", descriptor.path("metadata").isObject() ? descriptor.get("metadata") : JSON.createObjectNode());
        shown.putObject("transient_metadata").put("enabled", true);
        if (descriptor.hasNonNull("description")) {
            shown.put("description", descriptor.get("description").asText());
        }
        return shown;
    }

    /** A list of names: a single string is a list of one, as Elasticsearch's parser reads it. */
    private static ArrayNode strings(JsonNode value) {
        ArrayNode out = JSON.createArrayNode();
        if (value.isTextual()) {
            out.add(value.asText());
        } else {
            value.forEach(item -> out.add(item.asText()));
        }
        return out;
    }
}
