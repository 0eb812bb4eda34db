package io.anomalykit.server.security;

import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HTTPS with a PEM certificate and key. */
class TlsTest {

    @TempDir
    Path data;

    @Test
    void theServerSpeaksTlsWithThePemCertificate() throws Exception {
        Path certificate = Path.of(TlsTest.class.getResource("/tls/test-cert.pem").toURI());
        Path key = Path.of(TlsTest.class.getResource("/tls/test-key.pem").toURI());
        AnomalyServer server = AnomalyServer.builder().port(0).dataDirectory(data).tls(certificate, key)
                .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        try {
            assertThat(server.scheme()).isEqualTo("https");
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            try (InputStream in = TlsTest.class.getResourceAsStream("/tls/test-cert.pem")) {
                trust.setCertificateEntry("test", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trustManagers.getTrustManagers(), null);
            HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.port()
                    + "/_cluster/health")).header("Authorization", TestServer.SUPERUSER_AUTHORIZATION).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains("\"status\":\"green\"");
            assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + server.port() + "/")).build(), HttpResponse.BodyHandlers.ofString()))
                    .as("plain HTTP is not served on the TLS port").isInstanceOf(java.io.IOException.class);
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }
}
