package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.anomalykit.server.error.EsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The cluster stores' way to a search cluster: asynchronous HTTP requests with the configured credentials and TLS, and
 * the cluster's answers and failures translated into this server's Elasticsearch errors. A cluster that is down makes
 * calls fail with a 503 until it returns.
 */
final class ClusterClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final HttpClient http;
    private final ClusterSettings settings;
    private final String authorization;
    private final String basePath;

    ClusterClient(Vertx vertx, ClusterSettings settings) {
        this.settings = settings;
        URI url = settings.url();
        boolean tls = "https".equals(url.getScheme());
        HttpClientOptions options = new HttpClientOptions().setDefaultHost(url.getHost())
                .setDefaultPort(url.getPort() > 0 ? url.getPort() : tls ? 443 : 80).setSsl(tls)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.timeoutMillis())).setKeepAlive(true);
        if (tls && settings.caCertificate() != null) {
            options.setTrustOptions(new PemTrustOptions().addCertPath(settings.caCertificate()));
        }
        this.http = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(16));
        this.authorization = settings.username() == null ? null : "Basic " + Base64.getEncoder().encodeToString(
                (settings.username() + ":" + settings.password()).getBytes(StandardCharsets.UTF_8));
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        this.basePath = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    ClusterSettings settings() {
        return settings;
    }

    /** Fails a write at once when the store may only read, as Elasticsearch refuses writes under a write block. */
    <T> Future<T> unlessReadOnly(Supplier<Future<T>> write) {
        return settings.readOnly() ? Future.failedFuture(readOnlyBlock()) : write.get();
    }

    /** As Elasticsearch refuses writes to a cluster with a write block: the whole request, with a 403. */
    static EsException readOnlyBlock() {
        return EsException.of(403, "cluster_block_exception", "blocked by: [FORBIDDEN/results store read-only "
                + "(--store-read-only)];");
    }

    Future<Void> close() {
        return http.close();
    }

    Future<JsonNode> call(HttpMethod method, String path, JsonNode body) {
        return send(method, path, "application/json", body == null ? null : Buffer.buffer(bytes(body)))
                .map(ClusterClient::parse);
    }

    /** One request to the cluster; a non-2xx answer or no answer at all fails as an Elasticsearch error. */
    Future<Buffer> send(HttpMethod method, String path, String contentType, Buffer body) {
        RequestOptions request = new RequestOptions().setMethod(method).setURI(basePath + path)
                .setTimeout(settings.timeoutMillis());
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        if (body != null) {
            request.putHeader("Content-Type", contentType);
        }
        return http.request(request)
                .compose(call -> body == null ? call.send() : call.send(body))
                .compose(response -> response.body().map(answer -> {
                    if (response.statusCode() >= 300) {
                        JsonNode json = parse(answer);
                        throw json.has("error") ? error(response.statusCode(), json.get("error"))
                                : EsException.of(response.statusCode(), response.statusCode() == 404 ? "resource_not_found_exception"
                                        : "status_exception", "the cluster answered " + response.statusCode());
                    }
                    return answer;
                }), failure -> Future.failedFuture(unreachable(failure)));
    }

    private EsException unreachable(Throwable failure) {
        if (failure instanceof EsException es) {
            return es;
        }
        boolean timedOut = failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout");
        return EsException.of(503, timedOut ? "receive_timeout_transport_exception" : "connect_transport_exception",
                "[results cluster][" + settings.url() + "] " + (timedOut ? "request timed out" : "cannot be reached")
                        + ": " + failure.getMessage());
    }

    /**
     * The cluster's error as this server reports it. OpenSearch still calls a mapping failure by its old name,
     * {@code mapper_parsing_exception}; Elasticsearch 8 calls it {@code document_parsing_exception}.
     */
    static EsException error(int status, JsonNode error) {
        if (!error.isObject()) {
            return EsException.of(status, "exception", error.asText());
        }
        String type = error.path("type").asText("exception");
        if (type.equals("mapper_parsing_exception")) {
            type = "document_parsing_exception";
        }
        EsException cause = error.has("caused_by") ? error(status, error.get("caused_by")) : null;
        if (type.equals("search_phase_execution_exception") && error.path("failed_shards").size() > 0) {
            // The shard's own failure, with its causes; its index is the one that failed.
            JsonNode failed = error.get("failed_shards").get(0);
            EsException shard = error(status, failed.path("reason"));
            if (failed.has("index") && !shard.metadata().containsKey("index")) {
                shard = shard.withMetadata("index", failed.get("index").asText());
            }
            return EsException.searchFailure(shard);
        }
        if (type.equals("search_phase_execution_exception") && error.path("root_cause").size() > 0) {
            JsonNode root = error.get("root_cause").get(0);
            EsException shard = EsException.of(status, root.path("type").asText(), root.path("reason").asText());
            if (root.has("index")) {
                shard = shard.withMetadata("index", root.get("index").asText());
            }
            return EsException.searchFailure(shard);
        }
        EsException converted = EsException.of(status, type, error.path("reason").asText(), cause);
        if (error.has("index_uuid") && error.has("index")) {
            converted = converted.withMetadata("index_uuid", error.get("index_uuid").asText());
        }
        if (error.has("index")) {
            converted = converted.withMetadata("index", error.get("index").asText());
        }
        return converted;
    }

    static boolean isNotFound(Throwable failure) {
        return failure instanceof EsException es && es.status() == 404;
    }

    static boolean isAlreadyExists(Throwable failure) {
        return failure instanceof EsException es && es.type().equals("resource_already_exists_exception");
    }

    static JsonNode parse(Buffer answer) {
        if (answer.length() == 0) {
            return NODES.objectNode();
        }
        try {
            return JSON.readTree(answer.getBytes());
        } catch (IOException e) {
            throw notJson();
        }
    }

    static EsException notJson() {
        return EsException.of(502, "status_exception", "the cluster answered something that is not JSON");
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String encode(String pathPart) {
        return URLEncoder.encode(pathPart, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
