package io.anomalykit.conformance;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.config.Setting;
import io.anomalykit.conformance.junit.Conformance;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.service.Credentials;
import io.anomalykit.conformance.service.Target;
import io.anomalykit.conformance.service.TargetClient;
import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.security.SecuritySettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kit against the reference server set up as Elasticsearch 8 installs by default: HTTPS with a certificate of a
 * CA of its own, security on, and the kit speaking with an API key made through {@code POST _security/api_key}, read
 * from an environment variable. Through the CLI and through {@link Conformance#run}, the gate passes; with the wrong
 * CA no case runs, the CLI exits with 3 and the JUnit report holds an error.
 */
class SecuredHttpsTargetTest {

    private static final String API_KEY_VARIABLE = "KIT_API_KEY";
    @TempDir
    static Path files;
    private static AnomalyServer server;
    private static String url;
    private static Path ca;
    private static Path key;
    private static Path otherCa;
    private static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        ca = copy("/tls/test-cert.pem");
        key = copy("/tls/test-key.pem");
        otherCa = copy("/tls/other-ca.pem");
        server = AnomalyServer.builder().port(0).dataDirectory(Files.createDirectory(files.resolve("data")))
                .tls(ca, key).security(new SecuritySettings(true, null, ReferenceServer.PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
        url = "https://127.0.0.1:" + server.port();
        Credentials elastic = new Credentials.Basic(ReferenceServer.USER, ReferenceServer.PASSWORD);
        TargetClient.Reply created = new TargetClient(Target.at(url).caCertificate(ca).build())
                .send("POST", "/_security/api_key", "{\"name\":\"anomalykit-conformance\"}", "application/json", elastic,
                        Map.of());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        env = Map.of(API_KEY_VARIABLE, new ObjectMapper().readTree(created.body()).get("encoded").asText());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }

    private static Path copy(String resource) throws Exception {
        try (InputStream in = SecuredHttpsTargetTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            Path file = files.resolve(resource.substring(resource.lastIndexOf('/') + 1));
            Files.copy(in, file);
            return file;
        }
    }

    @Test
    void theCliPassesTheGateOverHttpsWithAnApiKey(@TempDir Path reports) throws Exception {
        CliTest.Run run = CliTest.run(env, "--url", url, "--ca-cert", ca.toString(), "--api-key-env", API_KEY_VARIABLE,
                "--report", reports.toString());
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("gate: passed")
                .contains("PASSED  [authorization.records.get.wrong-password]")
                .containsPattern("(?m)^conformance: \\d+ passed, 0 failed, 1 skipped$")
                .doesNotContain(env.get(API_KEY_VARIABLE));
        assertThat(Files.readString(reports.resolve("junit.xml"))).contains("errors=\"0\"").contains("failures=\"0\"");
    }

    @Test
    void conformanceRunPassesTheGateOverHttpsWithAnApiKey() {
        KitConfig config = KitConfig.builder().set(Setting.URL, url).set(Setting.CA_CERT, ca.toString())
                .set(Setting.API_KEY_ENV, API_KEY_VARIABLE).build(env);
        RunRecord run = Conformance.run(config.target().build(), config);
        Conformance.assertPassed(run);
        assertThat(run.error()).isNull();
        assertThat(run.outcomes()).hasSizeGreaterThan(150);
    }

    @Test
    void theWrongCaExitsWithThreeAndAnErrorInTheJUnitReport(@TempDir Path reports) throws Exception {
        CliTest.Run run = CliTest.run(env, "--url", url, "--ca-cert", otherCa.toString(), "--api-key-env",
                API_KEY_VARIABLE, "--report", reports.toString());
        assertThat(run.exit()).isEqualTo(3);
        assertThat(run.err()).contains("TLS handshake with " + url + " failed: PKIX path building failed")
                .contains("pass --ca-cert FILE");
        assertThat(run.out()).doesNotContain("PASSED");
        String junit = Files.readString(reports.resolve("junit.xml"));
        assertThat(junit).contains("errors=\"1\"").contains("failures=\"0\"").doesNotContain("<failure")
                .contains("<error type=\"target-unusable\" message=\"TLS handshake with " + url + " failed: PKIX path");
    }

    @Test
    void conformanceRunWithTheWrongCaRunsNoCaseAndErrors() {
        KitConfig config = KitConfig.builder().set(Setting.URL, url).set(Setting.CA_CERT, otherCa.toString())
                .set(Setting.API_KEY_ENV, API_KEY_VARIABLE).build(env);
        RunRecord run = Conformance.run(config.target().build(), config);
        assertThat(run.outcomes()).isEmpty();
        assertThat(run.error()).contains("TLS handshake");
        assertThat(run.gate()).isEqualTo("error");
        assertThatThrownBy(() -> Conformance.assertPassed(run)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PKIX path building failed");
    }

    @Test
    void withoutAnyCaTheJdkTrustFailsTheHandshakeAndAWrongApiKeyFailsAuthentication() {
        CliTest.Run untrusted = CliTest.run(env, "--url", url, "--api-key-env", API_KEY_VARIABLE);
        assertThat(untrusted.exit()).isEqualTo(3);
        assertThat(untrusted.err()).contains("TLS handshake");
        CliTest.Run wrongKey = CliTest.run(Map.of(API_KEY_VARIABLE, "bm90OmFrZXk="), "--url", url, "--ca-cert",
                ca.toString(), "--api-key-env", API_KEY_VARIABLE);
        assertThat(wrongKey.exit()).isEqualTo(3);
        assertThat(wrongKey.err()).contains("authentication failed").contains("ApiKey[redacted]")
                .doesNotContain("bm90OmFrZXk=");
    }

    @Test
    void insecureAndClientCertificatesConnectToo() {
        PrintStream standardError = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        CliTest.Run insecure;
        try {
            System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
            insecure = CliTest.run(env, "--url", url, "--insecure", "--api-key-env", API_KEY_VARIABLE, "--include",
                    "^negative\\.unknown-job$");
        } finally {
            System.setErr(standardError);
        }
        assertThat(insecure.exit()).as(insecure.err()).isZero();
        assertThat(insecure.out()).contains("PASSED  [negative.unknown-job]");
        assertThat(warnings.toString(StandardCharsets.UTF_8)).contains("WARNING: anomalykit: TLS verification is OFF for "
                + url);
        CliTest.Run withClientCertificate = CliTest.run(env, "--url", url, "--ca-cert", ca.toString(), "--client-cert",
                ca.toString(), "--client-key", key.toString(), "--api-key-env", API_KEY_VARIABLE, "--include",
                "^negative\\.unknown-job$");
        assertThat(withClientCertificate.exit()).as(withClientCertificate.err()).isZero();
    }
}
