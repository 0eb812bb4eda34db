package io.anomalykit.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * An implementation broken on purpose: it forwards to the reference server on loopback and lets a {@link Breakage}
 * rewrite the request on the way in and the answer on the way out.
 */
final class BreakingProxy implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final List<String> FORWARDED_HEADERS = List.of("Content-Type", "Accept", "Authorization", "X-Opaque-Id");
    private static final List<String> RETURNED_HEADERS = List.of("Content-Type", "X-elastic-product", "Allow", "Warning",
            "WWW-Authenticate", "X-Opaque-Id");

    /** A request or answer in flight, which a breakage may change. */
    static final class Exchange {
        String method;
        String path;
        final Map<String, String> query = new LinkedHashMap<>();
        String body;
        /** The request's forwarded headers (Content-Type, Accept, Authorization, X-Opaque-Id), which a breakage may change. */
        final Map<String, String> requestHeaders = new LinkedHashMap<>();
        int status;
        final Map<String, String> headers = new LinkedHashMap<>();
        String answer;

        boolean isResults() {
            return path.contains("/results/");
        }

        JsonNode bodyJson() {
            return read(body);
        }

        JsonNode answerJson() {
            return read(answer);
        }

        private static JsonNode read(String text) {
            try {
                return text == null || text.isBlank() ? null : JSON.readTree(text);
            } catch (IOException e) {
                return null;
            }
        }
    }

    /** One deliberate deviation from Elasticsearch. */
    interface Breakage {
        default void request(Exchange exchange) {
        }

        default void answer(Exchange exchange) {
        }
    }

    private final HttpServer server;
    /** Several exchanges at once, as the kit sends several cases at once; every breakage is stateless. */
    private final ExecutorService exchanges = Executors.newFixedThreadPool(4, task -> {
        Thread thread = new Thread(task, "breaking-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private final String upstream;

    BreakingProxy(String upstream, Breakage breakage) throws IOException {
        this.upstream = upstream;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> handle(exchange, breakage));
        server.setExecutor(exchanges);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange http, Breakage breakage) throws IOException {
        try (http) {
            Exchange exchange = new Exchange();
            exchange.method = http.getRequestMethod();
            exchange.path = http.getRequestURI().getRawPath();
            String rawQuery = http.getRequestURI().getRawQuery();
            if (rawQuery != null) {
                for (String pair : rawQuery.split("&")) {
                    String[] kv = pair.split("=", 2);
                    exchange.query.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
                }
            }
            for (String header : FORWARDED_HEADERS) {
                String value = http.getRequestHeaders().getFirst(header);
                if (value != null) {
                    exchange.requestHeaders.put(header, value);
                }
            }
            byte[] in = http.getRequestBody().readAllBytes();
            exchange.body = in.length == 0 ? null : new String(in, charset(exchange.requestHeaders.get("Content-Type")));
            breakage.request(exchange);

            String query = exchange.query.entrySet().stream()
                    .map(e -> encode(e.getKey()) + (e.getValue().isEmpty() ? "" : "=" + encode(e.getValue())))
                    .collect(Collectors.joining("&"));
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + exchange.path
                    + (query.isEmpty() ? "" : "?" + query))).method(exchange.method, exchange.body == null
                    ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(
                            exchange.body.getBytes(charset(exchange.requestHeaders.get("Content-Type")))));
            exchange.requestHeaders.forEach(forward::header);
            HttpResponse<byte[]> response = CLIENT.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            exchange.status = response.statusCode();
            for (String header : RETURNED_HEADERS) {
                response.headers().firstValue(header).ifPresent(value -> exchange.headers.put(header, value));
            }
            exchange.answer = new String(response.body(), charset(exchange.headers.get("Content-Type")));
            breakage.answer(exchange);

            exchange.headers.forEach((name, value) -> http.getResponseHeaders().set(name, value));
            byte[] out = exchange.answer == null ? new byte[0]
                    : exchange.answer.getBytes(charset(exchange.headers.get("Content-Type")));
            http.sendResponseHeaders(exchange.status, out.length == 0 ? -1 : out.length);
            try (OutputStream body = http.getResponseBody()) {
                body.write(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Binary bodies (CBOR, Smile) pass as Latin-1 text, which keeps every byte as it was; text bodies are UTF-8. */
    static Charset charset(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT);
        return type.contains("cbor") || type.contains("smile") ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
        exchanges.shutdownNow();
    }
}
