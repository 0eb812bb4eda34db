package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.security.ApiKeys;
import io.anomalykit.server.security.NativeRealm;
import io.anomalykit.server.security.Security;
import io.anomalykit.server.security.UserRequests;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;

/** Elasticsearch's user and role APIs, over the native realm. */
final class SecurityEndpoints {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

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
        realm().putUser(username, request)
                .onSuccess(created -> Responses.json(rc, 200, NODES.objectNode().put("created", created)))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    void getUser(RoutingContext rc) {
        RequestContext.params(rc).rejectUnconsumed();
        access.cluster(rc, "cluster:admin/xpack/security/user/get");
        String username = rc.pathParam("username");
        realm().describeUser(username).ifPresentOrElse(
                user -> Responses.json(rc, 200, NODES.objectNode().set(username, user)),
                () -> Responses.json(rc, 404, NODES.objectNode()));
    }

    void deleteUser(RoutingContext rc) {
        RequestContext.params(rc).accept("refresh").rejectUnconsumed();
        access.cluster(rc, "cluster:admin/xpack/security/user/delete");
        found(rc, realm().deleteUser(rc.pathParam("username")));
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
        String hash = UserRequests.parseChangePassword(body(rc));
        if (security.enabled()) {
            security.authorizeChangePassword(access.principal(rc), username);
        }
        realm().changePassword(username, hash, security::fileRealmHasUser)
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

    void getRole(RoutingContext rc) {
        RequestContext.params(rc).rejectUnconsumed();
        access.cluster(rc, "cluster:admin/xpack/security/role/get");
        String name = rc.pathParam("name");
        realm().describeRole(name).ifPresentOrElse(
                role -> Responses.json(rc, 200, NODES.objectNode().set(name, role)),
                () -> Responses.json(rc, 404, NODES.objectNode()));
    }

    void deleteRole(RoutingContext rc) {
        RequestContext.params(rc).accept("refresh").rejectUnconsumed();
        access.cluster(rc, "cluster:admin/xpack/security/role/delete");
        found(rc, realm().deleteRole(rc.pathParam("name")));
    }

    void createApiKey(RoutingContext rc) {
        RequestContext.params(rc).accept("refresh").rejectUnconsumed();
        JsonNode body = body(rc);
        access.cluster(rc, "cluster:admin/xpack/security/api_key/create");
        keys().create(access.principal(rc), body)
                .onSuccess(created -> Responses.json(rc, 200, created))
                .onFailure(failure -> Responses.error(rc, failure));
    }

    void invalidateApiKeys(RoutingContext rc) {
        RequestContext.params(rc).rejectUnconsumed();
        JsonNode body = body(rc);
        access.cluster(rc, "cluster:admin/xpack/security/api_key/invalidate");
        keys().invalidate(body)
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
