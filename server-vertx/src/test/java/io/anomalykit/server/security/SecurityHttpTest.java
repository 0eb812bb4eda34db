package io.anomalykit.server.security;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Elasticsearch's authentication and authorization, persona by persona, on the results APIs. */
class SecurityHttpTest {

    private static final String PASSWORD = "persona-password";
    private static final String RECORDS_ACTION = "cluster:monitor/xpack/ml/job/results/records/get";
    private static final String INFLUENCERS_ACTION = "cluster:monitor/xpack/ml/job/results/influencers/get";
    private static TestServer server;
    private static String oneJobKey;

    /** Who asks, and how the two results APIs answer them (status, error type, part of the reason). */
    enum Persona {
        ANONYMOUS(null, 401, "missing authentication credentials for REST request ["),
        WRONG_PASSWORD(TestServer.basic("ml-user", "not-the-password"), 401, "unable to authenticate user [ml-user]"),
        UNKNOWN_USER(TestServer.basic("nobody-here", PASSWORD), 401, "unable to authenticate user [nobody-here]"),
        NO_PRIVILEGES(TestServer.basic("no-privileges", PASSWORD), 403,
                "is unauthorized for user [no-privileges] with effective roles [nothing], this action is granted by the "
                        + "cluster privileges [monitor_ml,manage_ml,monitor,manage,all]"),
        CLUSTER_WITHOUT_INDEX_READ(TestServer.basic("cluster-only", PASSWORD), 403,
                "action [indices:data/read/search] is unauthorized for user [cluster-only] with effective roles "
                        + "[ml_cluster_only] on indices [.ml-anomalies-"),
        ML_USER(TestServer.basic("ml-user", PASSWORD), 200, null),
        /** A superuser's API key narrowed to reading one job's results: records yes, influencers no. */
        API_KEY_ONE_JOB(null, 200, null),
        ML_ADMIN(TestServer.basic("ml-admin", PASSWORD), 200, null),
        SUPERUSER(TestServer.SUPERUSER_AUTHORIZATION, 200, null);

        final String authorization;
        final int status;
        final String reason;

        Persona(String authorization, int status, String reason) {
            this.authorization = authorization;
            this.status = status;
            this.reason = reason;
        }
    }

    record Call(Persona persona, String method, String path, String action) {
        @Override
        public String toString() {
            return persona + " " + method + " " + path;
        }
    }

    @BeforeAll
    static void start() throws IOException {
        Path config = Files.createTempDirectory("anomalykit-security");
        Files.writeString(config.resolve("users"), "# file realm\n"
                + "no-privileges:" + Security.hash(PASSWORD) + "\n"
                + "cluster-only:" + Security.hash(PASSWORD) + "\n"
                + "ml-user:" + Security.hash(PASSWORD) + "\n"
                + "ml-admin:" + Security.hash(PASSWORD) + "\n"
                + "ghost-roles:" + Security.hash(PASSWORD) + "\n");
        Files.writeString(config.resolve("users_roles"), "nothing:no-privileges\nml_cluster_only:cluster-only\n"
                + "machine_learning_user:ml-user\nmachine_learning_admin:ml-admin\nghost:ghost-roles\n");
        Files.writeString(config.resolve("roles.yml"), "nothing: {}\n"
                + "ml_cluster_only:\n  cluster: [monitor_ml]\n  indices:\n    - names: [logs-*]\n      privileges: [read]\n");
        server = TestServer.withDemoData(new SecuritySettings(true, config, TestServer.ELASTIC_PASSWORD, true));
        Answer key = server.send("POST", "/_security/api_key", "{\"name\":\"one-job\",\"role_descriptors\":{\"r\":{"
                + "\"cluster\":[\"monitor_ml\"],\"indices\":[{\"names\":[\".ml-anomalies-it-ops-kpi\"],\"privileges\":"
                + "[\"read\"]}]}}}", "application/json");
        oneJobKey = "ApiKey " + key.json().get("encoded").asText();
    }

    private static String authorization(Persona persona) {
        return persona == Persona.API_KEY_ONE_JOB ? oneJobKey : persona.authorization;
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Call> matrix() {
        List<Call> calls = new ArrayList<>();
        for (Persona persona : Persona.values()) {
            for (String prefix : List.of("/_ml", "/_xpack/ml")) {
                for (String method : List.of("GET", "POST")) {
                    calls.add(new Call(persona, method, prefix + "/anomaly_detectors/it-ops-kpi/results/records", RECORDS_ACTION));
                    calls.add(new Call(persona, method, prefix + "/anomaly_detectors/it_ops_new_kpi/results/influencers",
                            INFLUENCERS_ACTION));
                }
            }
        }
        return calls.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void everyPersonaGetsElasticsearchsAnswer(Call call) {
        Answer answer = server.send(call.method(), call.path(), call.method().equals("POST") ? "{}" : null,
                "application/json", authorization(call.persona()));
        if (call.persona() == Persona.API_KEY_ONE_JOB && call.path().endsWith("/influencers")) {
            assertThat(answer.status()).as(answer.body()).isEqualTo(403);
            assertThat(answer.errorReason()).contains("is unauthorized for API key id [").contains("of user [elastic] on "
                    + "indices [.ml-anomalies-it_ops_new_kpi]");
            return;
        }
        assertThat(answer.status()).as(answer.body()).isEqualTo(call.persona().status);
        if (call.persona().status == 200) {
            assertThat(answer.header("X-elastic-product")).isEqualTo("Elasticsearch");
            assertThat(answer.json().get("count").asLong()).isPositive();
            return;
        }
        assertThat(answer.errorType()).isEqualTo("security_exception");
        assertThat(answer.errorReason()).contains(call.persona().reason);
        assertThat(answer.header("X-elastic-product")).as("no product header on 401/403").isNull();
        assertThat(answer.header("Warning")).as("no deprecation warning on 401/403").isNull();
        if (call.persona() == Persona.NO_PRIVILEGES) {
            assertThat(answer.errorReason()).startsWith("action [" + call.action() + "]");
        }
        if (call.persona().status == 401) {
            assertThat(answer.headers().allValues("WWW-Authenticate"))
                    .containsExactly("Basic realm=\"security\", charset=\"UTF-8\"", "ApiKey");
            assertThat(answer.json().at("/error/header/WWW-Authenticate/1").asText()).isEqualTo("ApiKey");
            assertThat(answer.errorReason()).endsWith("for REST request [" + call.path() + "]");
        }
    }

    /** Another endpoint, a request that changes nothing that matters, and what each persona gets (0: 401/403 free). */
    record Endpoint(String name, String method, String path, String body, String contentType, int allowed,
                    List<Persona> permitted) {
    }

    static Stream<Object[]> everyOtherEndpoint() {
        List<Persona> admins = List.of(Persona.ML_ADMIN, Persona.SUPERUSER);
        List<Persona> readers = List.of(Persona.CLUSTER_WITHOUT_INDEX_READ, Persona.ML_USER, Persona.ML_ADMIN,
                Persona.SUPERUSER, Persona.API_KEY_ONE_JOB);
        List<Persona> superuser = List.of(Persona.SUPERUSER);
        List<Persona> everyone = List.of(Persona.NO_PRIVILEGES, Persona.CLUSTER_WITHOUT_INDEX_READ, Persona.ML_USER,
                Persona.ML_ADMIN, Persona.SUPERUSER, Persona.API_KEY_ONE_JOB);
        String job = "{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}]},\"data_description\":{}}";
        List<Endpoint> endpoints = List.of(
                new Endpoint("create a job", "PUT", "/_ml/anomaly_detectors/matrix-%s", job, "application/json", 200, admins),
                new Endpoint("get a job", "GET", "/_ml/anomaly_detectors/it-ops-kpi", null, null, 200, readers),
                new Endpoint("delete a job", "DELETE", "/_ml/anomaly_detectors/no-such-job-%s", null, null, 404, admins),
                new Endpoint("index a document", "PUT", "/.ml-anomalies-shared/_doc/matrix-%s",
                        "{\"job_id\":\"matrix\",\"result_type\":\"record\",\"timestamp\":1}", "application/json", 201,
                        superuser),
                new Endpoint("refresh", "POST", "/_refresh", null, null, 200, superuser),
                new Endpoint("cluster info", "GET", "/", null, null, 200, superuser),
                new Endpoint("cluster health", "GET", "/_cluster/health", null, null, 200, superuser),
                new Endpoint("authenticate", "GET", "/_security/_authenticate", null, null, 200, everyone),
                new Endpoint("create a role", "PUT", "/_security/role/matrix-%s", "{}", "application/json", 200, superuser),
                new Endpoint("get a user", "GET", "/_security/user/nobody-%s", null, null, 404, superuser),
                new Endpoint("create an API key", "POST", "/_security/api_key", "{\"name\":\"matrix-%s\"}", "application/json",
                        200, superuser));
        List<Object[]> calls = new ArrayList<>();
        for (Endpoint endpoint : endpoints) {
            for (Persona persona : Persona.values()) {
                calls.add(new Object[] {endpoint.name() + " as " + persona, endpoint, persona});
            }
        }
        return calls.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyOtherEndpoint")
    void everyOtherEndpointIsGuardedByItsPrivilege(String name, Endpoint endpoint, Persona persona) {
        String suffix = persona.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        Answer answer = server.send(endpoint.method(), endpoint.path().formatted(suffix),
                endpoint.body() == null ? null : endpoint.body().formatted(suffix), endpoint.contentType(),
                authorization(persona));
        int expected = persona.status == 401 ? 401 : endpoint.permitted().contains(persona) ? endpoint.allowed() : 403;
        assertThat(answer.status()).as(answer.body()).isEqualTo(expected);
        if (expected == 401 || expected == 403) {
            assertThat(answer.errorType()).isEqualTo("security_exception");
            assertThat(answer.header("X-elastic-product")).isNull();
        }
    }

    @Test
    void bulkItemsAreAuthorizedOneByOne() {
        String bulk = "{\"index\":{\"_index\":\".ml-anomalies-shared\",\"_id\":\"b1\"}}\n{\"job_id\":\"x\","
                + "\"result_type\":\"record\",\"timestamp\":1}\n";
        for (Persona persona : Persona.values()) {
            Answer answer = server.send("POST", "/_bulk", bulk, "application/x-ndjson", authorization(persona));
            if (persona.status == 401) {
                assertThat(answer.status()).as(persona.name()).isEqualTo(401);
                continue;
            }
            assertThat(answer.status()).as(persona.name()).isEqualTo(200);
            assertThat(answer.json().at("/items/0/index/status").asInt()).as(persona.name())
                    .isEqualTo(persona == Persona.SUPERUSER ? 201 : 403);
        }
    }

    @Test
    void authenticateSaysWhoTheCredentialsBelongTo() {
        Answer mlUser = server.send("GET", "/_security/_authenticate", null, null, TestServer.basic("ml-user", PASSWORD));
        assertThat(mlUser.status()).isEqualTo(200);
        assertThat(mlUser.json().get("username").asText()).isEqualTo("ml-user");
        assertThat(mlUser.json().get("roles").toString()).isEqualTo("[\"machine_learning_user\"]");
        assertThat(mlUser.json().at("/authentication_realm/type").asText()).isEqualTo("file");
        Answer noPrivileges = server.send("GET", "/_security/_authenticate", null, null,
                TestServer.basic("no-privileges", PASSWORD));
        assertThat(noPrivileges.status()).as("any authenticated user may ask").isEqualTo(200);
        assertThat(server.send("GET", "/_security/_authenticate", null, null, null).status()).isEqualTo(401);
    }

    @Test
    void anUnknownUserAndAWrongPasswordLookAlike() {
        Answer unknown = server.send("GET", "/_ml/anomaly_detectors/it-ops-kpi/results/records", null, null,
                TestServer.basic("ml-userx", PASSWORD));
        Answer wrong = server.send("GET", "/_ml/anomaly_detectors/it-ops-kpi/results/records", null, null,
                TestServer.basic("ml-user", "bad"));
        assertThat(unknown.status()).isEqualTo(wrong.status()).isEqualTo(401);
        assertThat(unknown.body().replace("ml-userx", "ml-user")).isEqualTo(wrong.body());
        assertThat(wrong.body()).doesNotContain("bad");
    }

    @Test
    void unauthenticatedRequestsLearnNothingAboutRoutesOrJobs() {
        for (String path : List.of("/no/such/route", "/_ml/anomaly_detectors/no-such-job/results/records", "/",
                "//_ml//x")) {
            Answer answer = server.send("GET", path, null, null, null);
            assertThat(answer.status()).as(path).isEqualTo(401);
            assertThat(answer.errorType()).isEqualTo("security_exception");
        }
        assertThat(server.send("DELETE", "/_ml/anomaly_detectors/it-ops-kpi/results/records", null, null, null).status())
                .as("before the method is judged").isEqualTo(401);
    }

    @Test
    void checksComeInElasticsearchsOrder() {
        String none = TestServer.basic("no-privileges", PASSWORD);
        // Bad input is a 400 before authorization, and authorization a 403 before the job is looked up.
        assertThat(server.send("GET", "/_ml/anomaly_detectors/it-ops-kpi/results/records?size=x", null, null, none).status())
                .isEqualTo(400);
        assertThat(server.send("GET", "/_ml/anomaly_detectors/no-such-job/results/records", null, null, none).status())
                .isEqualTo(403);
        assertThat(server.send("GET", "/_ml/anomaly_detectors/no-such-job/results/records", null, null,
                TestServer.basic("ml-user", PASSWORD)).status()).isEqualTo(404);
    }

    @Test
    void missingRolesAreNamedAndSeedingNeedsItsOwnPrivileges() {
        Answer ghost = server.send("GET", "/_ml/anomaly_detectors/it-ops-kpi/results/records", null, null,
                TestServer.basic("ghost-roles", PASSWORD));
        assertThat(ghost.errorReason()).contains("with effective roles [] (assigned roles [ghost] were not found)");
        String mlUser = TestServer.basic("ml-user", PASSWORD);
        Answer createJob = server.send("PUT", "/_ml/anomaly_detectors/new-job", "{\"analysis_config\":{\"detectors\":"
                + "[{\"function\":\"count\"}]},\"data_description\":{}}", "application/json", mlUser);
        assertThat(createJob.status()).isEqualTo(403);
        assertThat(createJob.errorReason()).contains("action [cluster:admin/xpack/ml/job/put]")
                .endsWith("granted by the cluster privileges [manage_ml,manage,all]");
        Answer bulk = server.send("POST", "/_bulk", "{\"index\":{\"_index\":\".ml-anomalies-shared\"}}\n{\"job_id\":\"x\","
                + "\"result_type\":\"record\",\"timestamp\":1}\n", "application/x-ndjson", TestServer.basic("ml-admin", PASSWORD));
        assertThat(bulk.status()).isEqualTo(200);
        assertThat(bulk.json().at("/items/0/index/status").asInt()).isEqualTo(403);
        assertThat(bulk.json().at("/items/0/index/error/type").asText()).isEqualTo("security_exception");
    }

    @Test
    void theOfficialClientGetsRecordsAsAnMlUserAndA403Otherwise() throws IOException {
        try (RestClient allowed = client("ml-user"); RestClient refused = client("no-privileges")) {
            ElasticsearchClient ml = new ElasticsearchClient(new RestClientTransport(allowed, new JacksonJsonpMapper()));
            assertThat(ml.ml().getRecords(r -> r.jobId("it-ops-kpi")).count()).isEqualTo(16);
            ElasticsearchClient none = new ElasticsearchClient(new RestClientTransport(refused, new JacksonJsonpMapper()));
            assertThatThrownBy(() -> none.ml().getRecords(r -> r.jobId("it-ops-kpi")))
                    .isInstanceOfSatisfying(ElasticsearchException.class, e -> {
                        assertThat(e.status()).isEqualTo(403);
                        assertThat(e.error().type()).isEqualTo("security_exception");
                    });
        }
    }

    private static RestClient client(String user) {
        return RestClient.builder(HttpHost.create(server.baseUrl())).setDefaultHeaders(new org.apache.http.Header[] {
                new BasicHeader("Authorization", TestServer.basic(user, PASSWORD))}).build();
    }

    @Test
    void realmFilesAreReloadedWithoutARestart() throws Exception {
        Path config = Files.createTempDirectory("anomalykit-reload");
        Files.writeString(config.resolve("users"), "first:" + Security.hash(PASSWORD) + "\n");
        Files.writeString(config.resolve("users_roles"), "machine_learning_user:first,second\n");
        try (TestServer reloading = TestServer.withDemoData(new SecuritySettings(true, config, "x", true))) {
            String records = "/_ml/anomaly_detectors/it-ops-kpi/results/records";
            assertThat(reloading.send("GET", records, null, null, TestServer.basic("second", PASSWORD)).status()).isEqualTo(401);
            Files.writeString(config.resolve("users"), "first:" + Security.hash(PASSWORD) + "\nsecond:"
                    + Security.hash(PASSWORD) + "\n");
            assertThat(eventually(() -> reloading.send("GET", records, null, null, TestServer.basic("second", PASSWORD))
                    .status() == 200)).as("a new user works without a restart").isTrue();
        }
    }

    @Test
    void aBrokenRealmFileKeepsTheLastGoodConfiguration() throws Exception {
        Path config = Files.createTempDirectory("anomalykit-broken");
        Files.writeString(config.resolve("users"), "first:" + Security.hash(PASSWORD) + "\n");
        Security security = Security.load(new SecuritySettings(true, config, null, true));
        Files.writeString(config.resolve("users"), "first:not-a-bcrypt-hash\nextra:" + Security.hash(PASSWORD) + "\n");
        assertThat(security.reloadIfChanged()).as("the broken file is refused").isFalse();
        assertThat(security.realmFilesCurrent()).as("the health check's realm_files is down").isFalse();
        assertThat(security.authenticate(TestServer.basic("first", PASSWORD), "/").username()).isEqualTo("first");
        assertThatThrownBy(() -> security.authenticate(TestServer.basic("extra", PASSWORD), "/"))
                .isInstanceOf(io.anomalykit.server.error.EsException.class);
        Files.writeString(config.resolve("users"), "extra:" + Security.hash(PASSWORD) + "\n");
        assertThat(security.reloadIfChanged()).as("a good file is taken").isTrue();
        assertThat(security.realmFilesCurrent()).isTrue();
        assertThat(security.authenticate(TestServer.basic("extra", PASSWORD), "/").username()).isEqualTo("extra");
    }

    /** Polls a condition for up to 10 seconds. */
    private static boolean eventually(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theClusterPrivilegeAloneSufficesWhenTheIndexCheckIsOff() throws IOException {
        Path config = Files.createTempDirectory("anomalykit-security-es");
        Files.writeString(config.resolve("users"), "cluster-only:" + Security.hash(PASSWORD) + "\n");
        Files.writeString(config.resolve("users_roles"), "ml_cluster_only:cluster-only\n");
        Files.writeString(config.resolve("roles.yml"), "ml_cluster_only:\n  cluster: [monitor_ml]\n");
        try (TestServer current = TestServer.withDemoData(new SecuritySettings(true, config, "x", false))) {
            Answer answer = current.send("GET", "/_ml/anomaly_detectors/it-ops-kpi/results/records", null, null,
                    TestServer.basic("cluster-only", PASSWORD));
            assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        }
    }
}
