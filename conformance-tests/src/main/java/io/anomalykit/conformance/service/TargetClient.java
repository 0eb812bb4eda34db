package io.anomalykit.conformance.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Sends one request to a target, for the kit's runner and for seeders that need to talk to the target. Only ever talks
 * to the target's own base URL.
 */
public final class TargetClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final Target target;

    /** A client for the target's base URL. */
    public TargetClient(Target target) {
        this.target = target;
    }

    /** What came back: the status, the headers, the body as text and as the bytes sent (for binary formats). */
    public record Reply(int status, HttpHeaders headers, String body, byte[] bytes) {
        /** The first value of a header, or null when there is none. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    /**
     * @param pathAndQuery path and already-encoded query string
     * @param body         the body, or null for none
     * @param credentials  who to speak as, or null to send no credentials
     */
    public Reply send(String method, String pathAndQuery, String body, String contentType, Credentials credentials,
                      Map<String, String> headers) {
        return sendBytes(method, pathAndQuery, body == null ? null : body.getBytes(StandardCharsets.UTF_8), contentType,
                credentials, headers);
    }

    /** As {@link #send(String, String, String, String, Credentials, Map)}, with a body of any format as bytes. */
    public Reply sendBytes(String method, String pathAndQuery, byte[] body, String contentType, Credentials credentials,
                      Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null && contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (credentials != null) {
            request.header("Authorization", credentials.authorization());
        }
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.headers(), new String(response.body(), StandardCharsets.UTF_8),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + target.baseUrl() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
