package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.security.AuthenticateResponse;
import io.anomalykit.server.security.CredentialPool;
import io.anomalykit.server.security.LoginThrottle;
import io.anomalykit.server.security.Principal;
import io.anomalykit.server.security.Security;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Authorization at the point Elasticsearch authorizes: after the request is parsed (so bad input is a 400 first) and
 * before anything is looked up (so an unknown job is a 404 only to those allowed to ask).
 */
final class Access {

    static final String PRINCIPAL = "anomalykit.principal";

    private final Security security;
    private final CredentialPool credentials;
    private final LoginThrottle throttle;

    Access(Security security, CredentialPool credentials, LoginThrottle throttle) {
        this.security = security;
        this.credentials = credentials;
        this.throttle = throttle;
    }

    /**
     * Authenticates the request; an endpoint runs only for a known principal. Password hashing runs on the credential
     * pool, never on the event loop; the future fails with the 401 or 429 to answer.
     */
    Future<Void> authenticate(RoutingContext rc) {
        if (!security.enabled()) {
            return Future.succeededFuture();
        }
        credentials.bind(rc.vertx());
        SocketAddress client = rc.request().remoteAddress();
        return security.authenticate(rc.request().getHeader("Authorization"), RequestContext.uri(rc), credentials,
                        throttle.from(client == null ? null : client.hostAddress()))
                .map(principal -> {
                    rc.put(PRINCIPAL, principal);
                    return null;
                });
    }

    /** The pool where passwords are checked and new ones hashed. */
    CredentialPool credentials() {
        return credentials;
    }

    void cluster(RoutingContext rc, String action) {
        if (security.enabled()) {
            security.authorizeCluster(principal(rc), action);
        }
    }

    /** An API key action, which {@code manage_own_api_key} allows when it is limited to the caller's own keys. */
    void apiKeys(RoutingContext rc, String action, boolean ownKeysOnly) {
        if (security.enabled()) {
            security.authorizeApiKeyAction(principal(rc), action, ownKeysOnly);
        }
    }

    void index(RoutingContext rc, String action, String index) {
        if (security.enabled()) {
            security.authorizeIndex(principal(rc), action, index);
        }
    }

    /** The results APIs: the action's cluster privilege and, by the documents' rule, read on the job's results. */
    void results(RoutingContext rc, String action, String jobId) {
        cluster(rc, action);
        if (security.indexPrivilegeCheck()) {
            index(rc, "indices:data/read/search", ".ml-anomalies-" + jobId);
        }
    }

    /** {@code _security/_authenticate}'s answer for the caller. */
    ObjectNode authentication(RoutingContext rc) {
        return AuthenticateResponse.of(security, principal(rc));
    }

    /** Who the request runs as; with security off, an anonymous superuser-like principal. */
    Principal principal(RoutingContext rc) {
        Principal principal = rc.get(PRINCIPAL);
        return principal != null ? principal : new Principal("_anonymous", List.of("superuser"), "__anonymous");
    }
}
