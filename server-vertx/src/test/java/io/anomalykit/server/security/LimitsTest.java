package io.anomalykit.server.security;

import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Oversized headers and bodies are refused with clear Elasticsearch-style errors. */
class LimitsTest {

    @TempDir
    Path data;

    private static String send(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void oversizedHeadersAndBodiesAreRefused() throws Exception {
        AnomalyServer server = AnomalyServer.builder().port(0).dataDirectory(data).maxBodyBytes(1024)
                .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        try {
            String header = send(server.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: "
                    + "a".repeat(20_000) + "\r\n\r\n");
            assertThat(header).startsWith("HTTP/1.1 431").contains("\"type\":\"too_long_http_header_exception\"");
            String body = "{\"pad\":\"" + "b".repeat(4000) + "\"}";
            String big = send(server.port(), "POST /_ml/anomaly_detectors/x/results/records HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\nAuthorization: " + TestServer.SUPERUSER_AUTHORIZATION + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(big).startsWith("HTTP/1.1 413").contains("\"type\":\"content_too_long_exception\"");
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }
}
