package io.anomalykit.conformance.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import javax.net.ssl.SSLException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Sends one request to a target, for the kit's runner and for seeders that need to talk to the target. Only ever talks
 * to the target's own base URL.
 */
public final class TargetClient {

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
                .timeout(target.requestTimeout())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null && contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (credentials != null) {
            request.header("Authorization", credentials.authorization());
        }
        target.headers().forEach((name, value) -> {
            if (headers.keySet().stream().noneMatch(name::equalsIgnoreCase)) {
                request.header(name, value);
            }
        });
        headers.forEach(request::header);
        try {
            HttpResponse<byte[]> response = target.http().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Reply(response.statusCode(), response.headers(), new String(response.body(), StandardCharsets.UTF_8),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(unreachable(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Whether the target can be run against at all: it answers {@code GET /} as the superuser. Waits up to
     * {@code waitFor} for a target that is still starting (refusing or dropping connections); a TLS handshake or an
     * authentication that fails is final at once.
     *
     * @return why the target cannot be used, in words with what to do about it, or empty when it answered
     */
    public Optional<String> problem(Duration waitFor) {
        long deadline = System.nanoTime() + waitFor.toNanos();
        Credentials superuser = target.credentials(Persona.SUPERUSER).orElse(null);
        while (true) {
            Reply reply;
            try {
                reply = send("GET", "/", null, null, superuser, Map.of());
            } catch (UncheckedIOException e) {
                if (tlsFailure(e.getCause()) != null || System.nanoTime() >= deadline) {
                    return Optional.of(e.getMessage());
                }
                pause(Math.min(500, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                continue;
            }
            if (reply.status() == 401) {
                String body = reply.body().length() > 300 ? reply.body().substring(0, 300) + "..." : reply.body();
                return Optional.of("authentication failed: GET " + target.baseUrl() + "/ as the superuser ("
                        + (superuser == null ? "no credentials" : superuser) + ") answered 401 " + body
                        + " — pass working credentials (--api-key-env VAR, or --user and --password-env VAR)");
            }
            return Optional.empty();
        }
    }

    /** Why a request could not be sent, in words, with what to do about it for a TLS failure. */
    private String unreachable(IOException e) {
        SSLException tls = tlsFailure(e);
        if (tls != null) {
            return "TLS handshake with " + target.baseUrl() + " failed: " + tls.getMessage()
                    + " — pass --ca-cert FILE with the CA that signed the target's certificate (Elasticsearch's"
                    + " config/certs/http_ca.crt), or check the client certificate";
        }
        String cause = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        if (e.getCause() != null && e.getCause().getMessage() != null && !cause.contains(e.getCause().getMessage())) {
            cause += " (" + e.getCause().getMessage() + ")";
        }
        return "cannot reach " + target.baseUrl() + ": " + cause;
    }

    private static SSLException tlsFailure(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLException tls) {
                return tls;
            }
        }
        return null;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the target", e);
        }
    }
}
