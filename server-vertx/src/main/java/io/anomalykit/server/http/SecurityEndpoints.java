package io.anomalykit.server.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.RestParams;
import io.anomalykit.server.query.ResultsRequestParser;
import io.anomalykit.server.query.Suggestions;
import io.anomalykit.server.security.ApiKeys;
import io.anomalykit.server.security.AuthenticateResponse;
import io.anomalykit.server.security.NativeRealm;
import io.anomalykit.server.security.Principal;
import io.anomalykit.server.security.Security;
import io.anomalykit.server.security.UserRequests;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Elasticsearch's user, role and API key APIs, over the native realm and the API keys. */
final class SecurityEndpoints {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The fields of {@code CreateApiKeyRequestBuilder}'s {@code api_key_request} parser, and the tokens each takes. */
    private static final Map<String, Set<JsonToken>> CREATE_FIELDS = Map.of(
            "name", Set.of(JsonToken.VALUE_STRING),
            "expiration", Set.of(JsonToken.VALUE_STRING),
            "role_descriptors", Set.of(JsonToken.START_OBJECT, JsonToken.START_ARRAY),
            "metadata", Set.of(JsonToken.START_OBJECT));

    private final Security security;
    private final Access access;

    SecurityEndpoints(Security security, Access access) {
        this.security = security;
        this.access = access;
    }

    void putUser(RoutingContext rc) {
        if (rc.pathParam("username").equals("_password")) {
            // Elasticsearch's router prefers the literal path: PUT|POST _security/user/_password changes the caller's
            // own password (RestChangePasswordAction), so no user can be named _password through this API.
            changeOwnPassword(rc);
            return;
        }
        RequestContext.params(rc).accept("refresh").rejectUnconsumed();
        String username = rc.pathParam("username");
        UserRequests.PutUser request = UserRequests.parsePutUser(username, body(rc));
        UserRequests.validateRequest(request);
        access.cluster(rc, "cluster:admin/xpack/security/user/put");
        realm().putUser(username, request, access.credentials())
                .onSuccess(created -> Responses.json(rc, 200, NODES.objectNode().put("created", created)))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /** {@code RestGetUsersAction}: {@code _security/user} lists every user, {@code _security/user/a,b} those named. */
    void getUser(RoutingContext rc) {
        RequestContext.params(rc).accept("with_profile_uid").rejectUnconsumed();
        access.cluster(rc, "cluster:admin/xpack/security/user/get");
        List<String> names = names(rc, "username");
        described(rc, names, realm().describeUsers(names));
    }

    void deleteUser(RoutingContext rc) {
        RequestContext.params(rc).accept("refresh").rejectUnconsumed();
        access.cluster(rc, "cluster:admin/xpack/security/user/delete");
        found(rc, realm().deleteUser(rc.pathParam("username")));
    }

    /** {@code _security/user/{username}/_enable}. */
    void enableUser(RoutingContext rc) {
        setEnabled(rc, true);
    }

    /** {@code _security/user/{username}/_disable}. */
    void disableUser(RoutingContext rc) {
        setEnabled(rc, false);
    }

    /**
     * {@code RestSetEnabledAction}: the request is validated ({@code SetEnabledRequest.validate}), the caller authorized,
     * then {@code TransportSetEnabledAction} refuses the caller's own account, internal and anonymous users before the
     * store changes the user; the answer is an empty object.
     */
    private void setEnabled(RoutingContext rc, boolean enabled) {
        RequestContext.params(rc).accept("refresh").rejectUnconsumed();
        String username = rc.pathParam("username");
        UserRequests.validateSetEnabled(username);
        access.cluster(rc, "cluster:admin/xpack/security/user/set_enabled");
        UserRequests.checkSetEnabled(access.principal(rc).username(), username);
        realm().setEnabled(username, enabled)
                .onSuccess(ignored -> Responses.json(rc, 200, NODES.objectNode()))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /** {@code _security/user/{username}/_password}. */
    void changePassword(RoutingContext rc) {
        changePassword(rc, rc.pathParam("username"));
    }

    /** {@code _security/user/_password}: the authenticated user's own password. */
    private void changeOwnPassword(RoutingContext rc) {
        changePassword(rc, access.principal(rc).username());
    }

    /**
     * As {@code RestChangePasswordAction} then {@code TransportChangePasswordAction}: the body is read and validated,
     * then the caller is authorized (their own password needs no privilege), then the realms decide.
     */
    private void changePassword(RoutingContext rc, String username) {
        RequestContext.params(rc).accept("refresh").rejectUnconsumed();
        UserRequests.NewPassword password = UserRequests.parseChangePassword(body(rc));
        if (security.enabled()) {
            security.authorizeChangePassword(access.principal(rc), username);
        }
        NativeRealm realm = realm();
        password.hash(access.credentials())
                .compose(hash -> realm.changePassword(username, hash, security::fileRealmHasUser))
                .onSuccess(ignored -> Responses.json(rc, 200, NODES.objectNode()))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    void putRole(RoutingContext rc) {
        RequestContext.params(rc).accept("refresh").rejectUnconsumed();
        JsonNode body = body(rc);
        NativeRealm.validateRole(rc.pathParam("name"), body);
        access.cluster(rc, "cluster:admin/xpack/security/role/put");
        realm().putRole(rc.pathParam("name"), body)
                .onSuccess(created -> {
                    ObjectNode answer = NODES.objectNode();
                    answer.putObject("role").put("created", created);
                    Responses.json(rc, 200, answer);
                })
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /** {@code RestGetRolesAction}: {@code _security/role} lists every role, {@code _security/role/a,b} those named. */
    void getRole(RoutingContext rc) {
        RequestContext.params(rc).rejectUnconsumed();
        access.cluster(rc, "cluster:admin/xpack/security/role/get");
        List<String> names = names(rc, "name");
        described(rc, names, realm().describeRoles(names));
    }

    /** {@code RestRequest.paramAsStringArray}: the path's comma-separated names; none for the list route. */
    private static List<String> names(RoutingContext rc, String param) {
        String names = rc.pathParam(param);
        return names == null || names.isEmpty() ? List.of() : List.of(names.split(","));
    }

    /** 404 with an empty object when names were asked for and none was found, as both get actions answer. */
    private static void described(RoutingContext rc, List<String> asked, Map<String, ObjectNode> found) {
        ObjectNode body = NODES.objectNode();
        found.forEach(body::set);
        Responses.json(rc, !asked.isEmpty() && found.isEmpty() ? 404 : 200, body);
    }

    void deleteRole(RoutingContext rc) {
        RequestContext.params(rc).accept("refresh").rejectUnconsumed();
        access.cluster(rc, "cluster:admin/xpack/security/role/delete");
        found(rc, realm().deleteRole(rc.pathParam("name")));
    }

    void createApiKey(RoutingContext rc) {
        RequestContext.params(rc).accept("refresh").rejectUnconsumed();
        JsonNode body = parseCreateApiKey(RequestContext.body(rc));
        ApiKeys.validateCreate(body);
        access.cluster(rc, "cluster:admin/xpack/security/api_key/create");
        Principal caller = access.principal(rc);
        keys().create(caller, AuthenticateResponse.user(security, caller), body)
                .onSuccess(created -> Responses.json(rc, 200, created))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    /**
     * Reads a create-API-key body as the strict {@code api_key_request} parser does: an unknown field or a value of
     * the wrong type is an {@code x_content_parse_exception} at its place, and {@code name} is required.
     */
    private static ObjectNode parseCreateApiKey(byte[] body) {
        if (body == null || body.length == 0) {
            throw EsException.of(400, "parse_exception", "request body is required");
        }
        try (JsonParser parser = ResultsRequestParser.STRICT_JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                JsonLocation location = parser.currentTokenLocation();
                throw EsException.parse(location.getLineNr(), location.getColumnNr(),
                        "[api_key_request] Expected START_OBJECT but was: " + ResultsRequestParser.tokenName(parser.currentToken()), null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonLocation location = parser.currentTokenLocation();
                if (!CREATE_FIELDS.containsKey(field)) {
                    throw EsException.parse(location.getLineNr(), location.getColumnNr(), "[api_key_request] unknown field ["
                            + field + "]" + Suggestions.parserSuffix(field, CREATE_FIELDS.keySet()), null);
                }
                JsonToken value = parser.nextToken();
                if (!CREATE_FIELDS.get(field).contains(value)) {
                    JsonLocation at = parser.currentTokenLocation();
                    throw EsException.parse(at.getLineNr(), at.getColumnNr(), "[api_key_request] " + field
                            + " doesn't support values of type: " + ResultsRequestParser.tokenName(value), null);
                }
                parser.skipChildren();
            }
            ObjectNode request = (ObjectNode) Responses.JSON.readTree(body);
            if (!request.has("name")) {
                throw EsException.illegalArgument("Required [name]");
            }
            return request;
        } catch (JsonParseException e) {
            throw ResultsRequestParser.jsonSyntaxError(e);
        } catch (IOException e) {
            throw EsException.of(400, "x_content_parse_exception", String.valueOf(e.getMessage()));
        }
    }

    /**
     * {@code RestGetApiKeyAction}: keys by {@code id}, {@code name}, {@code username}, {@code realm_name}, or the
     * caller's own with {@code owner=true}; {@code with_limited_by} and {@code with_profile_uid} are refused, as this
     * server does not render what they add.
     */
    void getApiKeys(RoutingContext rc) {
        RestParams params = RequestContext.params(rc);
        String id = params.get("id");
        String name = params.get("name");
        String username = params.get("username");
        String realmName = params.get("realm_name");
        boolean owner = params.flag("owner", false);
        boolean activeOnly = params.flag("active_only", false);
        params.rejectUnconsumed();
        ApiKeys.validateGet(id, name, username, realmName, owner);
        Principal caller = access.principal(rc);
        access.apiKeys(rc, "cluster:admin/xpack/security/api_key/get",
                owner || ApiKeys.namesCaller(caller, username, realmName) || ApiKeys.isCallersOwnKey(caller, id));
        Responses.json(rc, 200, keys().list(caller, owner, id, name, username, realmName, activeOnly));
    }

    /**
     * Role mappings give roles to users of external realms (LDAP, Active Directory, SAML, PKI), which this server does
     * not have: the role-mapping APIs are refused rather than answered as if a mapping had been kept.
     */
    void roleMappingsUnsupported(RoutingContext rc) {
        throw EsException.illegalArgument("role mappings are not supported by this server: it has no external realm "
                + "(LDAP, Active Directory, SAML, PKI) whose users they could map");
    }

    void invalidateApiKeys(RoutingContext rc) {
        RequestContext.params(rc).rejectUnconsumed();
        JsonNode body = body(rc);
        ApiKeys.validateInvalidation(body);
        Principal caller = access.principal(rc);
        access.apiKeys(rc, "cluster:admin/xpack/security/api_key/invalidate", ApiKeys.limitedToCaller(caller, body));
        keys().invalidate(caller, body)
                .onSuccess(answer -> Responses.json(rc, 200, answer))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    private ApiKeys keys() {
        return security.apiKeys().orElseThrow(() -> EsException.illegalArgument("API keys are not available on this server"));
    }

    private static void found(RoutingContext rc, Future<Boolean> deleted) {
        deleted.onSuccess(found -> Responses.json(rc, found ? 200 : 404, NODES.objectNode().put("found", found)))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    private NativeRealm realm() {
        return security.nativeRealm().orElseThrow(() -> EsException.illegalArgument(
                "the native realm is not available on this server"));
    }

    private static JsonNode body(RoutingContext rc) {
        byte[] bytes = RequestContext.body(rc);
        if (bytes.length == 0) {
            throw EsException.of(400, "parse_exception", "request body is required");
        }
        try {
            JsonNode body = Responses.JSON.readTree(bytes);
            if (body == null || !body.isObject()) {
                throw EsException.parse(1, 1, "request body must be an object", null);
            }
            return body;
        } catch (IOException e) {
            throw EsException.of(400, "x_content_parse_exception", "request body is not JSON");
        }
    }
}
