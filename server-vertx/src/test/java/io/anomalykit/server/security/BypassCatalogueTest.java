package io.anomalykit.server.security;

import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Attempts to get past authentication or authorization, each sent byte for byte. Every one must end in 401 or 403 with
 * Elasticsearch's security_exception, and never show a secret.
 */
class BypassCatalogueTest {

    private static final String PASSWORD = "catalogue-password";
    private static final String RECORDS = "/_ml/anomaly_detectors/it-ops-kpi/results/records";
    private static TestServer server;

    /** An attempt: what is sent after the request line's method and target, and the status that must come back. */
    record Attempt(String name, String method, String target, List<String> headers, String body, int status) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        Path config = Files.createTempDirectory("anomalykit-bypass");
        Files.writeString(config.resolve("users"), "no-privileges:" + Security.hash(PASSWORD) + "\n"
                + "ml-user:" + Security.hash(PASSWORD) + "\n");
        Files.writeString(config.resolve("users_roles"), "nothing:no-privileges\nmachine_learning_user:ml-user\n");
        Files.writeString(config.resolve("roles.yml"), "nothing: {}\n");
        server = TestServer.withDemoData(new SecuritySettings(true, config, TestServer.ELASTIC_PASSWORD, true));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String basic(String credentials) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    private static Attempt anonymous(String name, String method, String target, String... headers) {
        return new Attempt(name, method, target, List.of(headers), null, 401);
    }

    private static Attempt refused(String name, String method, String target, String... headers) {
        List<String> all = new ArrayList<>(List.of(headers));
        all.add(basic("no-privileges:" + PASSWORD));
        return new Attempt(name, method, target, all, null, 403);
    }

    static Stream<Attempt> attempts() {
        String elastic = TestServer.ELASTIC_PASSWORD;
        return Stream.of(
                anonymous("no credentials, GET", "GET", RECORDS),
                new Attempt("no credentials, POST with a body", "POST", RECORDS, List.of("Content-Type: application/json"),
                        "{}", 401),
                anonymous("legacy prefix", "GET", "/_xpack/ml/anomaly_detectors/it-ops-kpi/results/records"),
                anonymous("double slashes", "GET", "//_ml//anomaly_detectors/it-ops-kpi/results/records"),
                anonymous("trailing slash", "GET", RECORDS + "/"),
                anonymous("dot segment", "GET", "/_ml/anomaly_detectors/./it-ops-kpi/results/records"),
                anonymous("dot-dot segment", "GET", "/_ml/anomaly_detectors/x/../it-ops-kpi/results/records"),
                anonymous("upper-case prefix", "GET", "/_ML/anomaly_detectors/it-ops-kpi/results/records"),
                anonymous("upper-case API name", "GET", "/_ml/anomaly_detectors/it-ops-kpi/results/RECORDS"),
                anonymous("encoded slashes", "GET", "/_ml%2Fanomaly_detectors%2Fit-ops-kpi%2Fresults%2Frecords"),
                anonymous("encoded underscore", "GET", "/%5Fml/anomaly_detectors/it-ops-kpi/results/records"),
                anonymous("double-encoded slash", "GET", "/_ml%252Fanomaly_detectors/it-ops-kpi/results/records"),
                anonymous("matrix parameter", "GET", "/_ml;x=y/anomaly_detectors/it-ops-kpi/results/records"),
                anonymous("encoded NUL at the end", "GET", RECORDS + "%00"),
                anonymous("absolute-form request target", "GET", "http://127.0.0.1" + RECORDS),
                anonymous("method override header", "DELETE", RECORDS, "X-HTTP-Method-Override: GET"),
                anonymous("method override to POST", "PUT", RECORDS, "X-HTTP-Method-Override: POST"),
                anonymous("other method override header", "DELETE", RECORDS, "X-Method-Override: GET"),
                anonymous("_method query parameter", "DELETE", RECORDS + "?_method=GET"),
                anonymous("empty Basic", "GET", RECORDS, "Authorization: Basic "),
                anonymous("Basic that is not base64", "GET", RECORDS, "Authorization: Basic !!!not-base64!!!"),
                anonymous("Basic without a colon", "GET", RECORDS, basic("elastic")),
                anonymous("Basic with an empty user", "GET", RECORDS, basic(":" + elastic)),
                anonymous("Basic with an empty password", "GET", RECORDS, basic("elastic:")),
                anonymous("Bearer token", "GET", RECORDS, "Authorization: Bearer " + elastic),
                anonymous("unknown API key", "GET", RECORDS, "Authorization: ApiKey Zm9vOmJhcg=="),
                anonymous("lower-case scheme, wrong password", "GET", RECORDS, "Authorization: basic "
                        + Base64.getEncoder().encodeToString("elastic:wrong".getBytes(StandardCharsets.UTF_8))),
                anonymous("wrong password", "GET", RECORDS, basic("elastic:wrong")),
                anonymous("password with a trailing space", "GET", RECORDS, basic("elastic:" + elastic + " ")),
                anonymous("password in another case", "GET", RECORDS, basic("elastic:" + elastic.toUpperCase())),
                anonymous("password prefix", "GET", RECORDS, basic("elastic:" + elastic.substring(0, 5))),
                anonymous("look-alike user name (Cyrillic e)", "GET", RECORDS, basic("\u0435lastic:" + elastic)),
                anonymous("user name with a trailing space", "GET", RECORDS, basic("elastic :" + elastic)),
                anonymous("user name in another case", "GET", RECORDS, basic("Elastic:" + elastic)),
                anonymous("file user, wrong password", "GET", RECORDS, basic("ml-user:wrong")),
                anonymous("file user with the elastic password", "GET", RECORDS, basic("ml-user:" + elastic)),
                anonymous("very long user name", "GET", RECORDS, basic("u".repeat(8000) + ":x")),
                anonymous("credentials in the query string", "GET", RECORDS + "?authorization="
                        + Base64.getEncoder().encodeToString(("elastic:" + elastic).getBytes(StandardCharsets.UTF_8))),
                anonymous("credentials in a cookie", "GET", RECORDS, "Cookie: Authorization=" + basic("elastic:" + elastic)),
                anonymous("forwarded-user header", "GET", RECORDS, "X-Forwarded-User: elastic"),
                anonymous("run-as header without credentials", "GET", RECORDS, "es-security-runas-user: elastic"),
                anonymous("credentials as Proxy-Authorization", "GET", RECORDS,
                        "Proxy-" + basic("elastic:" + elastic)),
                anonymous("invalid credentials first, valid second", "GET", RECORDS, basic("elastic:wrong"),
                        basic("elastic:" + elastic)),
                anonymous("HEAD on the root", "HEAD", "/"),
                anonymous("OPTIONS on the results", "OPTIONS", RECORDS),
                anonymous("unknown route", "GET", "/_nope/at/all"),
                anonymous("unknown job", "GET", "/_ml/anomaly_detectors/no-such-job/results/records"),
                anonymous("authenticate API", "GET", "/_security/_authenticate"),
                anonymous("create a job", "PUT", "/_ml/anomaly_detectors/intruder"),
                anonymous("bulk", "POST", "/_bulk"),
                anonymous("index a document", "PUT", "/.ml-anomalies-shared/_doc/x"),
                anonymous("refresh", "POST", "/_refresh"),
                anonymous("delete a job", "DELETE", "/_ml/anomaly_detectors/it-ops-kpi"),
                anonymous("delete the results index", "DELETE", "/.ml-anomalies-shared"),
                anonymous("cluster health", "GET", "/_cluster/health"),
                refused("no privileges, records", "GET", RECORDS),
                refused("no privileges, legacy prefix", "GET", "/_xpack/ml/anomaly_detectors/it-ops-kpi/results/records"),
                refused("no privileges, trailing slash", "GET", RECORDS + "/"),
                refused("no privileges, influencers", "GET", "/_ml/anomaly_detectors/it_ops_new_kpi/results/influencers"),
                refused("no privileges, unknown job", "GET", "/_ml/anomaly_detectors/no-such-job/results/records"),
                refused("no privileges, run-as elastic", "GET", RECORDS, "es-security-runas-user: elastic"),
                refused("no privileges, forwarded superuser", "GET", RECORDS, "X-Forwarded-User: elastic"),
                refused("no privileges, get a job", "GET", "/_ml/anomaly_detectors/it-ops-kpi"),
                refused("no privileges, delete a job", "DELETE", "/_ml/anomaly_detectors/it-ops-kpi"),
                refused("no privileges, delete the results index", "DELETE", "/.ml-anomalies-shared"),
                refused("no privileges, cluster health", "GET", "/_cluster/health"),
                new Attempt("ML user creating a job", "PUT", "/_ml/anomaly_detectors/intruder",
                        List.of(basic("ml-user:" + PASSWORD), "Content-Type: application/json"),
                        "{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}]},\"data_description\":{}}", 403),
                new Attempt("ML user indexing a document", "PUT", "/.ml-anomalies-shared/_doc/x",
                        List.of(basic("ml-user:" + PASSWORD), "Content-Type: application/json"),
                        "{\"job_id\":\"it-ops-kpi\",\"result_type\":\"record\",\"timestamp\":1}", 403),
                new Attempt("ML user deleting the results index", "DELETE", "/.ml-anomalies-shared",
                        List.of(basic("ml-user:" + PASSWORD)), null, 403),
                new Attempt("ML user deleting a job with a method override", "DELETE", "/_ml/anomaly_detectors/it-ops-kpi",
                        List.of(basic("ml-user:" + PASSWORD), "X-HTTP-Method-Override: GET"), null, 403));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attempts")
    void theAttemptIsRefused(Attempt attempt) {
        StringBuilder request = new StringBuilder(attempt.method()).append(' ').append(attempt.target())
                .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        attempt.headers().forEach(header -> request.append(header).append("\r\n"));
        if (attempt.body() != null) {
            request.append("Content-Length: ").append(attempt.body().getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        request.append("\r\n");
        if (attempt.body() != null) {
            request.append(attempt.body());
        }
        Answer answer = server.raw(request.toString());
        assertThat(answer.status()).as(answer.body()).isEqualTo(attempt.status());
        if (!attempt.method().equals("HEAD")) {
            assertThat(answer.errorType()).isEqualTo("security_exception");
        }
        assertThat(answer.body()).doesNotContain(TestServer.ELASTIC_PASSWORD).doesNotContain(PASSWORD);
        assertThat(answer.header("X-elastic-product")).isNull();
    }
}
