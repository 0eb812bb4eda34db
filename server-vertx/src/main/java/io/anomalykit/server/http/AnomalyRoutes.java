package io.anomalykit.server.http;

import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.security.CredentialPool;
import io.anomalykit.server.security.LoginThrottle;
import io.anomalykit.server.security.Security;
import io.anomalykit.server.store.ResultsStore;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.PlatformHandler;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The routes of the server, as one Vert.x {@link Router} that a host mounts under a prefix of its own. Each path answers its methods; another method on a
 * known path gets Elasticsearch's 405 (OPTIONS gets 200 with {@code Allow}); errors of any kind become Elasticsearch
 * error bodies.
 */
public final class AnomalyRoutes {

    /** Elasticsearch's default {@code http.max_content_length}. */
    public static final long MAX_BODY_BYTES = 100L * 1024 * 1024;

    /** Methods in the order Elasticsearch lists them. */
    private static final List<HttpMethod> METHOD_ORDER = List.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT,
            HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.HEAD, HttpMethod.PATCH);
    /** The path of one job; its results are below it. */
    static final String ML = "/_ml/anomaly_detectors/:job_id";
    private static final String XPACK = "/_xpack/ml/anomaly_detectors/:job_id";

    private AnomalyRoutes() {
    }

    /**
     * A router serving the chosen API groups, to be used as the whole of a server or mounted under any prefix of a
     * host's router ({@code router.route("/es/*").subRouter(...)}). Paths are matched, and named in messages, relative to
     * where it is mounted. Every request first passes the in-flight body breaker; any path it does not serve gets
     * Elasticsearch's "no handler found" answer. (A query string with a malformed escape never reaches a router's routes:
     * {@link #hasUndecodableQuery} is for the HTTP server's request handler; so is {@link #handle}, through which the
     * breaker also counts chunked bodies.)
     *
     * @param maxBodyBytes         bodies larger than this are refused with 413
     * @param maxInFlightBodyBytes the in-flight breaker's limit: request body bytes held at once over all requests of
     *                             this router, times 2 (Elasticsearch's overhead); beyond it, 429
     * @param credentials          where password hashes are checked; the caller closes it
     * @param health               the answer of {@code GET /_anomalykit/health}, which needs no credentials
     * @param throttle             failed password logins by source address, and when they are refused without a check
     * @param storePool            where parsing a {@code _bulk} body and rendering a large answer run (a handle on
     *                             {@link io.anomalykit.server.store.StorePool}); the caller closes it
     */
    public static Router create(Vertx vertx, ResultsStore store, Security security, Clock clock, long maxBodyBytes,
                                long maxInFlightBodyBytes, EmulatedVersion version, CredentialPool credentials,
                                Set<EndpointGroup> groups, HealthCheck health,
                                LoginThrottle throttle, WorkerExecutor storePool) {
        Router router = Router.router(vertx);
        InFlightBreaker breaker = new InFlightBreaker(maxInFlightBodyBytes);
        router.putMetadata(InFlightBreaker.class.getName(), breaker);
        router.route().handler(rc -> {
            EsException refused = breaker.admit(rc);
            if (refused != null) {
                Responses.error(rc, refused);
            } else {
                rc.next();
            }
        });
        router.get(HealthCheck.PATH).handler(health::handle).failureHandler(AnomalyRoutes::failed);
        Access access = new Access(security, credentials, throttle);
        ResultsEndpoint results = new ResultsEndpoint(store, clock, access, storePool);
        SeedingEndpoints seeding = new SeedingEndpoints(store, clock, access, version, storePool);
        SecurityEndpoints securityApis = new SecurityEndpoints(security, access);
        NodeIdentity node = NodeIdentity.random();
        ClusterEndpoints cluster = new ClusterEndpoints(node.name(), UUID.randomUUID().toString(), access, version,
                health);
        credentials.nodeName(node.name());
        // Authentication comes first, before the body is read or the path is judged: a platform handler, which Vert.x
        // runs ahead of body handling.
        PlatformHandler authenticate = rc -> {
            node.attach(rc);
            Future<Void> authenticated = access.authenticate(rc);
            if (!authenticated.isComplete()) {
                // A password check on the credential pool: hold the body until the body handler asks for it.
                rc.request().pause();
            }
            authenticated.onComplete(ignored -> rc.next(), failure -> {
                rc.request().resume();
                Responses.error(rc, failure);
            });
        };
        BodyHandler bodyHandler = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
        // Vert.x decodes form bodies (and keeps no bytes of a multipart one); Elasticsearch refuses them with 406, so
        // their bytes are read as they are and judged like any other body.
        Handler<RoutingContext> readBody = rc -> {
            if (MediaTypes.isForm(rc.request().getHeader("content-type"))) {
                RequestContext.readRaw(rc, maxBodyBytes);
            } else {
                bodyHandler.handle(rc);
            }
        };
        // As RestRequest does when it is made, before any handler is looked for: the REST API versions asked for.
        Handler<RoutingContext> versions = rc -> {
            try {
                version.checkRequestedVersions(rc.request().getHeader("accept"), rc.request().getHeader("content-type"),
                        RequestContext.hasBody(rc));
                rc.next();
            } catch (EsException e) {
                Responses.error(rc, e);
            }
        };
        List<Handler<RoutingContext>> body = List.of(authenticate, readBody, versions);

        if (groups.contains(EndpointGroup.RESULTS)) {
            addResults(router, body, results, version);
            add(router, body, "/_cluster/health", Map.of(HttpMethod.GET, cluster::health));
            add(router, body, "/_security/_authenticate", Map.of(HttpMethod.GET, cluster::authenticate));
            add(router, body, "/", Map.of(HttpMethod.GET, cluster::info, HttpMethod.HEAD, cluster::infoHead));
        }
        // Before the groups' own routes: some refused paths would otherwise be taken for a user or role name.
        OutOfScopeApis.APIS.forEach(api -> refuse(router, body, api));
        if (groups.contains(EndpointGroup.SEEDING)) {
            addSeeding(router, body, seeding);
        }
        if (groups.contains(EndpointGroup.SECURITY)) {
            addSecurity(router, body, securityApis);
        }
        if (groups.contains(EndpointGroup.SEEDING)) {
            // After every other route, so that a path with handlers of its own answers DELETE itself; only DELETE is
            // answered on /{index}, other methods keep the "no handler" answer.
            addForMethod(router, body, "/:index", HttpMethod.DELETE, seeding::deleteIndex);
        }
        refuse(router, body, OutOfScopeApis.INDEX_CREATION);
        router.route().handler(rc -> {
            node.attach(rc);
            access.authenticate(rc).onComplete(ignored -> {
                try {
                    GlobalParams.check(rc);
                    Responses.error(rc, noHandler(rc));
                } catch (EsException e) {
                    Responses.error(rc, e);
                }
            }, failure -> Responses.error(rc, failure));
        });
        // Requests the router rejects before any route (e.g. a malformed %-escape in the path) still get an
        // Elasticsearch body.
        router.errorHandler(400, rc -> Responses.error(rc, EsException.illegalArgument(
                "invalid escape sequence in [" + RequestContext.uri(rc) + "]")));
        return router;
    }

    private static void addResults(Router router, List<Handler<RoutingContext>> body, ResultsEndpoint results,
                                   EmulatedVersion version) {
        for (ResultType type : ResultType.values()) {
            String suffix = "/results/" + type.arrayField();
            Handler<RoutingContext> handler = rc -> results.handle(rc, type);
            add(router, body, ML + suffix, Map.of(HttpMethod.GET, handler, HttpMethod.POST, handler));
            if (version.servesXpackPrefix()) {
                Handler<RoutingContext> legacy = rc -> {
                    rc.response().putHeader("Warning", deprecation(version, rc.request().method(), suffix));
                    results.handle(rc, type);
                };
                add(router, body, XPACK + suffix, Map.of(HttpMethod.GET, legacy, HttpMethod.POST, legacy));
            }
        }
    }

    private static void addSeeding(Router router, List<Handler<RoutingContext>> body, SeedingEndpoints seeding) {
        add(router, body, ML, Map.of(HttpMethod.PUT, seeding::putJob, HttpMethod.GET, seeding::getJob,
                HttpMethod.DELETE, seeding::deleteJob));
        add(router, body, "/_ml/anomaly_detectors", Map.of(HttpMethod.GET, seeding::getJob));
        add(router, body, "/_bulk", Map.of(HttpMethod.POST, seeding::bulk, HttpMethod.PUT, seeding::bulk));
        add(router, body, "/:index/_bulk", Map.of(HttpMethod.POST, seeding::bulk, HttpMethod.PUT, seeding::bulk));
        add(router, body, "/:index/_doc/:id", Map.of(HttpMethod.PUT, seeding::indexDocument,
                HttpMethod.POST, seeding::indexDocument, HttpMethod.GET, seeding::getDocument,
                HttpMethod.HEAD, seeding::getDocument, HttpMethod.DELETE, seeding::deleteDocument));
        add(router, body, "/:index/_create/:id", Map.of(HttpMethod.PUT, seeding::createDocument,
                HttpMethod.POST, seeding::createDocument));
        add(router, body, "/:index/_doc", Map.of(HttpMethod.POST, seeding::indexDocument));
        add(router, body, "/:index/_count", Map.of(HttpMethod.GET, seeding::count, HttpMethod.POST, seeding::count));
        add(router, body, "/_refresh", Map.of(HttpMethod.POST, seeding::refresh, HttpMethod.GET, seeding::refresh));
        add(router, body, "/:index/_refresh", Map.of(HttpMethod.POST, seeding::refresh, HttpMethod.GET, seeding::refresh));
    }

    private static void addSecurity(Router router, List<Handler<RoutingContext>> body, SecurityEndpoints securityApis) {
        add(router, body, "/_security/user", Map.of(HttpMethod.GET, securityApis::getUser));
        add(router, body, "/_security/user/:username", Map.of(HttpMethod.PUT, securityApis::putUser,
                HttpMethod.POST, securityApis::putUser, HttpMethod.GET, securityApis::getUser,
                HttpMethod.DELETE, securityApis::deleteUser));
        add(router, body, "/_security/user/:username/_password", Map.of(HttpMethod.PUT, securityApis::changePassword,
                HttpMethod.POST, securityApis::changePassword));
        add(router, body, "/_security/user/:username/_enable", Map.of(HttpMethod.PUT, securityApis::enableUser,
                HttpMethod.POST, securityApis::enableUser));
        add(router, body, "/_security/user/:username/_disable", Map.of(HttpMethod.PUT, securityApis::disableUser,
                HttpMethod.POST, securityApis::disableUser));
        add(router, body, "/_security/api_key", Map.of(HttpMethod.POST, securityApis::createApiKey,
                HttpMethod.PUT, securityApis::createApiKey, HttpMethod.GET, securityApis::getApiKeys,
                HttpMethod.DELETE, securityApis::invalidateApiKeys));
        add(router, body, "/_security/role_mapping", Map.of(HttpMethod.GET, securityApis::roleMappingsUnsupported));
        add(router, body, "/_security/role_mapping/:name", Map.of(HttpMethod.GET, securityApis::roleMappingsUnsupported,
                HttpMethod.PUT, securityApis::roleMappingsUnsupported, HttpMethod.POST, securityApis::roleMappingsUnsupported,
                HttpMethod.DELETE, securityApis::roleMappingsUnsupported));
        add(router, body, "/_security/role", Map.of(HttpMethod.GET, securityApis::getRole));
        add(router, body, "/_security/role/:name", Map.of(HttpMethod.PUT, securityApis::putRole,
                HttpMethod.POST, securityApis::putRole, HttpMethod.GET, securityApis::getRole,
                HttpMethod.DELETE, securityApis::deleteRole));
    }

    /**
     * Vert.x Web answers a malformed escape in the query string with a bare text 400 before any route runs; the HTTP
     * server's request handler asks this first and answers such a request with {@link #invalidRequestHandler}.
     */
    public static boolean hasUndecodableQuery(HttpServerRequest request) {
        try {
            request.params();
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * Hands an HTTP server's request to a router made by {@link #create}. A body without a {@code Content-Length}
     * (chunked) is counted in the router's in-flight breaker as its chunks arrive, before the router reads them; a
     * router reached any other way (mounted under a host's router) counts declared lengths only.
     */
    public static void handle(Router router, HttpServerRequest request) {
        InFlightBreaker breaker = router.getMetadata(InFlightBreaker.class.getName());
        if (breaker == null) {
            router.handle(request);
        } else {
            breaker.route(router, request);
        }
    }

    /**
     * For requests the HTTP server cannot even decode (a malformed escape in the request line, a line or headers over
     * the limits): an Elasticsearch error body instead of a bare text answer.
     */
    public static Handler<HttpServerRequest> invalidRequestHandler() {
        return request -> {
            Throwable cause = request.decoderResult().cause();
            EsException error;
            if (cause instanceof TooLongHttpLineException) {
                error = EsException.of(414, "too_long_http_line_exception", cause.getMessage());
            } else if (cause instanceof TooLongHttpHeaderException) {
                error = EsException.of(431, "too_long_http_header_exception", cause.getMessage());
            } else {
                error = EsException.illegalArgument("invalid HTTP request [" + request.uri() + "]");
            }
            if (request.decoderResult().isFailure()) {
                // The connection cannot be read past a request the decoder failed on: Vert.x closes it after this
                // answer, and the client is told so instead of finding its next request on a closed connection.
                request.response().putHeader("Connection", "close");
            }
            answer(request, error);
        };
    }

    /** An Elasticsearch error body for a request no route handles. */
    static void answer(HttpServerRequest request, EsException error) {
        request.response().setStatusCode(error.status())
                .putHeader("content-type", "application/json")
                .putHeader("X-elastic-product", "Elasticsearch")
                .end(Responses.body(error, false).toString());
    }

    private static EsException noHandler(RoutingContext rc) {
        return EsException.bareStringWithoutStatus(400, "no handler found for uri [" + RequestContext.uri(rc) + "] and method ["
                + rc.request().method() + "]");
    }

    /**
     * Vert.x normalises {@code //}, {@code .} and {@code ..} before routing; Elasticsearch matches the raw path and
     * finds no handler for such paths. Answer them as Elasticsearch does.
     */
    private static boolean rawPathIsNotCanonical(String rawPath) {
        return rawPath.contains("//") || rawPath.contains("/./") || rawPath.contains("/../") || rawPath.endsWith("/.")
                || rawPath.endsWith("/..");
    }

    /** Answers an API this server does not offer with its refusal. */
    private static void refuse(Router router, List<Handler<RoutingContext>> before, OutOfScopeApis.Api api) {
        Handler<RoutingContext> refuse = rc -> Responses.error(rc,
                OutOfScopeApis.refusal(api.area(), rc.request().method(), RequestContext.path(rc)));
        if (api.othersGoOn()) {
            api.methods().forEach(method -> addForMethod(router, before, api.path(), method, refuse));
        } else {
            add(router, before, api.path(), api.methods().stream().collect(Collectors.toMap(method -> method,
                    method -> refuse)));
        }
    }

    /** @param before handlers every request of the path goes through first: authentication, then reading the body */
    private static void add(Router router, List<Handler<RoutingContext>> before, String path,
                            Map<HttpMethod, Handler<RoutingContext>> byMethod) {
        Map<HttpMethod, Handler<RoutingContext>> handlers = new LinkedHashMap<>(byMethod);
        String allowed = METHOD_ORDER.stream().filter(handlers::containsKey).map(HttpMethod::name)
                .collect(Collectors.joining(","));
        Route route = router.route(path);
        before.forEach(route::handler);
        route.handler(rc -> dispatch(rc, handlers, allowed)).failureHandler(AnomalyRoutes::failed);
    }

    /** A path answered for one method only: any other method goes on to the routes after it. */
    private static void addForMethod(Router router, List<Handler<RoutingContext>> before, String path, HttpMethod method,
                                     Handler<RoutingContext> handler) {
        Route route = router.route(method, path);
        before.forEach(route::handler);
        route.handler(rc -> dispatch(rc, Map.of(method, handler), method.name())).failureHandler(AnomalyRoutes::failed);
    }

    private static void dispatch(RoutingContext rc, Map<HttpMethod, Handler<RoutingContext>> handlers, String allowed) {
        HttpMethod method = rc.request().method();
        Handler<RoutingContext> handler = handlers.get(method);
        try {
            GlobalParams.check(rc);
            if (rawPathIsNotCanonical(RequestContext.path(rc))) {
                throw noHandler(rc);
            }
            if (handler == null) {
                if (method == HttpMethod.OPTIONS) {
                    Responses.empty(rc, 200, Map.of("Allow", allowed));
                    return;
                }
                rc.response().putHeader("Allow", allowed);
                throw EsException.bareString(405, "Incorrect HTTP method for uri [" + RequestContext.uri(rc) + "] and method ["
                        + method + "], allowed: [" + allowed.replace(",", ", ") + "]");
            }
            if (RequestContext.body(rc).length > 0) {
                MediaTypes.checkRequestBody(rc.request().getHeader("content-type"));
            }
            MediaTypes.checkAccept(rc.request().getHeader("accept"));
            handler.handle(rc);
        } catch (RuntimeException e) {
            Responses.error(rc, e);
        }
    }

    /** Failures raised before a handler ran, such as a body over the size limit. */
    private static void failed(RoutingContext rc) {
        if (rc.statusCode() == 413) {
            Responses.error(rc, EsException.of(413, "content_too_long_exception", "request body is too large"));
        } else if (rc.failure() != null) {
            Responses.error(rc, rc.failure());
        } else {
            Responses.error(rc, EsException.of(rc.statusCode(), "exception", "request failed"));
        }
    }

    /** The warning Elasticsearch attaches to the deprecated {@code _xpack} paths. */
    private static String deprecation(EmulatedVersion version, HttpMethod method, String suffix) {
        String template = "anomaly_detectors/{job_id}" + suffix;
        return version.warning("[" + method + " /_xpack/ml/" + template + "] is deprecated! Use [" + method + " /_ml/"
                + template + "] instead.");
    }
}
