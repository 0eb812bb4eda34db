package io.anomalykit.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Security administration as Elasticsearch 8.19 answers it over real HTTP: the get-user and get-role APIs
 * ({@code RestGetUsersAction}, {@code TransportGetUsersAction}, {@code RestGetRolesAction},
 * {@code TransportGetRolesAction}, {@code RoleDescriptor.toXContent}), {@code _authenticate}
 * ({@code Authentication.toXContentFragment}), HTTP Basic headers ({@code UsernamePasswordToken.extractToken}), API
 * key failures ({@code ApiKeyService.validateApiKeyCredentials}, {@code AuthenticatorChain}), the create and get API key
 * requests ({@code CreateApiKeyRequest.validate}, {@code GetApiKeyRequest.validate}, {@code ApiKey.toXContent}).
 */
class SecurityAdministrationHttpTest {

    private static final String SU = TestServer.SUPERUSER_AUTHORIZATION;
    private static final String JSON = "application/json";
    private static final String RESERVED_ELASTIC = "{\"username\":\"elastic\",\"roles\":[\"superuser\"],\"full_name\":null,"
            + "\"email\":null,\"metadata\":{\"_reserved\":true},\"enabled\":true}";
    private static final String ALICE = "{\"username\":\"alice\",\"roles\":[\"machine_learning_user\"],\"full_name\":"
            + "\"Alice Liddell\",\"email\":\"alice@example.com\",\"metadata\":{\"team\":\"ops\"},\"enabled\":true}";

    @TempDir
    Path data;
    @TempDir
    Path config;
    private TestServer server;

    @BeforeEach
    void start() throws IOException {
        Files.writeString(config.resolve("users"), "filer:" + Security.hash("filer-password") + "\n");
        Files.writeString(config.resolve("users_roles"), "machine_learning_user:filer\n");
        server = TestServer.withDemoData(data, new SecuritySettings(true, config, TestServer.ELASTIC_PASSWORD, true));
        Answer created = server.send("PUT", "/_security/user/alice", "{\"password\":\"alice-password\",\"roles\":"
                + "[\"machine_learning_user\"],\"full_name\":\"Alice Liddell\",\"email\":\"alice@example.com\","
                + "\"metadata\":{\"team\":\"ops\"}}", JSON, SU);
        assertThat(created.status()).as(created.body()).isEqualTo(200);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static List<String> keys(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String basic(String raw) {
        return "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void getUserListsTheReservedUsersThenTheNativeOnesAndFindsThemByName() {
        Answer all = server.send("GET", "/_security/user", null, JSON, SU);
        assertThat(all.status()).isEqualTo(200);
        assertThat(keys(all.json())).as("ReservedRealm.users, then the native store; never the file realm")
                .containsExactly("elastic", "kibana", "kibana_system", "logstash_system", "beats_system", "apm_system",
                        "remote_monitoring_user", "alice");
        assertThat(all.json().get("elastic").toString()).isEqualTo(RESERVED_ELASTIC);
        assertThat(all.json().get("kibana").get("metadata").toString()).isEqualTo("{\"_deprecated_reason\":\"Please use the "
                + "[kibana_system] user instead.\",\"_reserved\":true,\"_deprecated\":true}");
        assertThat(all.json().at("/remote_monitoring_user/roles").toString())
                .isEqualTo("[\"remote_monitoring_collector\",\"remote_monitoring_agent\"]");
        assertThat(all.json().get("alice").toString()).as("User.toXContent's order, no password").isEqualTo(ALICE);

        assertThat(keys(server.send("GET", "/_security/user/", null, JSON, SU).json())).as("RestGetUsersAction's route")
                .hasSize(8);
        assertThat(keys(server.send("GET", "/_security/role/", null, JSON, SU).json())).as("RestGetRolesAction's route")
                .hasSize(3);
        Answer elastic = server.send("GET", "/_security/user/elastic", null, JSON, SU);
        assertThat(elastic.status()).isEqualTo(200);
        assertThat(elastic.body()).isEqualTo("{\"elastic\":" + RESERVED_ELASTIC + "}");

        Answer some = server.send("GET", "/_security/user/alice,nobody,kibana_system", null, JSON, SU);
        assertThat(some.status()).as("one found is enough").isEqualTo(200);
        assertThat(keys(some.json())).as("reserved users first, then native ones").containsExactly("kibana_system", "alice");

        Answer none = server.send("GET", "/_security/user/nobody,filer", null, JSON, SU);
        assertThat(none.status()).as("RestGetUsersAction: names asked, none found").isEqualTo(404);
        assertThat(none.body()).isEqualTo("{}");
    }

    @Test
    void aBuiltInUserLogsInOnceTheChangePasswordApiGaveItAPassword() {
        String kibana = TestServer.basic("kibana_system", "kibana-password");
        assertThat(server.send("GET", "/_security/_authenticate", null, JSON, kibana).status()).as("no password yet")
                .isEqualTo(401);
        Answer changed = server.send("PUT", "/_security/user/kibana_system/_password", "{\"password\":\"kibana-password\"}",
                JSON, SU);
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        Answer who = server.send("GET", "/_security/_authenticate", null, JSON, kibana);
        assertThat(who.status()).isEqualTo(200);
        assertThat(who.json().get("roles").toString()).isEqualTo("[\"kibana_system\"]");
        assertThat(who.json().get("metadata").toString()).isEqualTo("{\"_reserved\":true}");
        assertThat(who.json().get("authentication_realm").toString()).isEqualTo("{\"name\":\"reserved\",\"type\":\"reserved\"}");
        assertThat(server.send("GET", "/_security/_authenticate", null, JSON, TestServer.basic("kibana_system", "wrong-pw"))
                .status()).isEqualTo(401);
    }

    @Test
    void getRoleListsTheBuiltInRolesThenTheNativeOnesInTheDescriptorsShape() {
        Answer put = server.send("PUT", "/_security/role/analyst", "{\"description\":\"Reads one job\",\"run_as\":[\"bob\"],"
                + "\"indices\":[{\"query\":{\"term\":{\"job_id\":\"it-ops-kpi\"}},\"privileges\":[\"read\"],"
                + "\"field_security\":{\"except\":[\"secret\"],\"grant\":[\"*\"]},\"names\":\".ml-anomalies-it-ops-kpi\"}],"
                + "\"cluster\":[\"monitor_ml\"],\"metadata\":{\"version\":1}}", JSON, SU);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        Answer analyst = server.send("GET", "/_security/role/analyst", null, JSON, SU);
        assertThat(analyst.status()).isEqualTo(200);
        assertThat(analyst.body()).as("RoleDescriptor.toXContent: its order, its defaults, the query as a string")
                .isEqualTo("{\"analyst\":{\"cluster\":[\"monitor_ml\"],\"indices\":[{\"names\":[\".ml-anomalies-it-ops-kpi\"],"
                        + "\"privileges\":[\"read\"],\"field_security\":{\"grant\":[\"*\"],\"except\":[\"secret\"]},"
                        + "\"query\":\"{\\\"term\\\":{\\\"job_id\\\":\\\"it-ops-kpi\\\"}}\",\"allow_restricted_indices\":false}],"
                        + "\"applications\":[],\"run_as\":[\"bob\"],\"metadata\":{\"version\":1},"
                        + "\"transient_metadata\":{\"enabled\":true},\"description\":\"Reads one job\"}}");

        Answer all = server.send("GET", "/_security/role", null, JSON, SU);
        assertThat(all.status()).isEqualTo(200);
        assertThat(keys(all.json())).containsExactly("superuser", "machine_learning_admin", "machine_learning_user", "analyst");
        assertThat(all.json().get("superuser").toString()).isEqualTo("{\"cluster\":[\"all\"],\"indices\":[{\"names\":[\"*\"],"
                + "\"privileges\":[\"all\"],\"allow_restricted_indices\":false}],\"applications\":[{\"application\":\"*\","
                + "\"privileges\":[\"*\"],\"resources\":[\"*\"]}],\"run_as\":[\"*\"],\"metadata\":{\"_reserved\":true},"
                + "\"transient_metadata\":{\"enabled\":true},\"description\":\"Grants full access to cluster management and "
                + "data indices. This role also grants direct read-only access to restricted indices like .security. A user "
                + "with this role can impersonate any other user in the system, manage security and create roles with "
                + "unlimited privileges. Take extra care when assigning it to a user.\"}");
        assertThat(all.json().at("/machine_learning_user/applications/0/privileges/0").asText()).isEqualTo("reserved_ml_user");
        assertThat(all.json().at("/machine_learning_user/description").asText()).endsWith("roles that grant access to Kibana. ");
        assertThat(all.json().at("/machine_learning_admin/indices/0/allow_restricted_indices").asBoolean()).isTrue();

        Answer some = server.send("GET", "/_security/role/analyst,nope,machine_learning_user", null, JSON, SU);
        assertThat(keys(some.json())).containsExactly("machine_learning_user", "analyst");
        Answer none = server.send("GET", "/_security/role/nope", null, JSON, SU);
        assertThat(none.status()).as("RestGetRolesAction: names asked, none found").isEqualTo(404);
        assertThat(none.body()).isEqualTo("{}");
    }

    @Test
    void authenticateDescribesRealmUsersAsTheirRealmKnowsThem() {
        Answer alice = server.send("GET", "/_security/_authenticate", null, JSON, TestServer.basic("alice", "alice-password"));
        assertThat(alice.body()).isEqualTo(ALICE.substring(0, ALICE.length() - 1)
                + ",\"authentication_realm\":{\"name\":\"default_native\",\"type\":\"native\"},"
                + "\"lookup_realm\":{\"name\":\"default_native\",\"type\":\"native\"},\"authentication_type\":\"realm\"}");

        Answer elastic = server.send("GET", "/_security/_authenticate", null, JSON, SU);
        assertThat(elastic.body()).isEqualTo(RESERVED_ELASTIC.substring(0, RESERVED_ELASTIC.length() - 1)
                + ",\"authentication_realm\":{\"name\":\"reserved\",\"type\":\"reserved\"},"
                + "\"lookup_realm\":{\"name\":\"reserved\",\"type\":\"reserved\"},\"authentication_type\":\"realm\"}");

        Answer filer = server.send("GET", "/_security/_authenticate", null, JSON, TestServer.basic("filer", "filer-password"));
        assertThat(filer.json().get("authentication_realm").toString()).isEqualTo("{\"name\":\"default_file\",\"type\":\"file\"}");
        assertThat(filer.json().get("metadata").toString()).isEqualTo("{}");
    }

    @Test
    void authenticateWithAnApiKeyShowsTheOwnerWithoutRolesAndTheKey() {
        Answer created = server.send("POST", "/_security/api_key", "{\"name\":\"alice-key\"}", JSON,
                TestServer.basic("alice", "alice-password"));
        // machine_learning_user cannot create keys; the superuser makes one for itself and alice's is checked below
        assertThat(created.status()).isEqualTo(403);
        server.send("PUT", "/_security/role/key_maker", "{\"cluster\":[\"manage_own_api_key\"]}", JSON, SU);
        server.send("PUT", "/_security/user/alice", "{\"roles\":[\"machine_learning_user\",\"key_maker\"],\"full_name\":"
                + "\"Alice Liddell\",\"email\":\"alice@example.com\",\"metadata\":{\"team\":\"ops\"}}", JSON, SU);
        created = server.send("POST", "/_security/api_key", "{\"name\":\"alice-key\"}", JSON,
                TestServer.basic("alice", "alice-password"));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String id = created.json().get("id").asText();

        Answer who = server.send("GET", "/_security/_authenticate", null, JSON, "ApiKey " + created.json().get("encoded").asText());
        assertThat(who.status()).isEqualTo(200);
        assertThat(who.body()).as("ApiKeyService: the creator's details, no roles; the _es_api_key realm")
                .isEqualTo("{\"username\":\"alice\",\"roles\":[],\"full_name\":\"Alice Liddell\",\"email\":\"alice@example.com\","
                        + "\"metadata\":{\"team\":\"ops\"},\"enabled\":true,"
                        + "\"authentication_realm\":{\"name\":\"_es_api_key\",\"type\":\"_es_api_key\"},"
                        + "\"lookup_realm\":{\"name\":\"_es_api_key\",\"type\":\"_es_api_key\"},"
                        + "\"authentication_type\":\"api_key\",\"api_key\":{\"id\":\"" + id + "\",\"name\":\"alice-key\"}}");
    }

    @Test
    void badBasicHeadersGetTheirOwnMessagesWithTheChallenges() {
        Answer notBase64 = server.send("GET", "/_security/_authenticate", null, JSON, "Basic !!!");
        assertThat(notBase64.status()).isEqualTo(401);
        assertThat(notBase64.errorReason()).isEqualTo("invalid basic authentication header encoding");
        assertThat(notBase64.json().at("/error/caused_by/type").asText()).isEqualTo("illegal_argument_exception");
        assertThat(notBase64.json().at("/error/caused_by/reason").asText()).isEqualTo("Illegal base64 character 21");
        assertThat(notBase64.headers().allValues("WWW-Authenticate"))
                .containsExactly("Basic realm=\"security\", charset=\"UTF-8\"", "ApiKey");

        Answer noColon = server.send("GET", "/_security/_authenticate", null, JSON, basic("alice"));
        assertThat(noColon.status()).isEqualTo(401);
        assertThat(noColon.errorReason()).isEqualTo("invalid basic authentication header value");
        assertThat(server.send("GET", "/_security/_authenticate", null, JSON, "Basic =").errorReason())
                .as("a lone padding character is no base64").isEqualTo("invalid basic authentication header encoding");
        assertThat(server.send("GET", "/_security/_authenticate", null, JSON, "Basic ").errorReason())
                .as("HTTP trims the header to a bare scheme, which is no Basic credential at all")
                .isEqualTo("missing authentication credentials for REST request [/_security/_authenticate]");

        Answer emptyUser = server.send("GET", "/_security/_authenticate", null, JSON, basic(":secret"));
        assertThat(emptyUser.status()).isEqualTo(401);
        assertThat(emptyUser.errorReason()).as("an empty user name is looked up like any other")
                .isEqualTo("unable to authenticate user [] for REST request [/_security/_authenticate]");
    }

    @Test
    void refusedApiKeysSayWhyUnderAdditionalUnsuccessfulCredentials() {
        Answer created = server.send("POST", "/_security/api_key", "{\"name\":\"short-lived\"}", JSON, SU);
        String id = created.json().get("id").asText();
        String secret = created.json().get("api_key").asText();

        assertThat(apiKeyFailure("nosuchkey:" + secret)).isEqualTo("API key: unable to find apikey with id nosuchkey");
        assertThat(apiKeyFailure(id + ":wrong-secret")).isEqualTo("API key: invalid credentials for API key [" + id + "]");
        assertThat(apiKeyFailure("no-colon")).isEqualTo("API key: invalid ApiKey value");
        server.send("DELETE", "/_security/api_key", "{\"ids\":[\"" + id + "\"]}", JSON, SU);
        assertThat(apiKeyFailure(id + ":" + secret)).isEqualTo("API key: api key [" + id + "] has been invalidated");

        Answer expiring = server.send("POST", "/_security/api_key", "{\"name\":\"expiring\",\"expiration\":\"1ms\"}", JSON, SU);
        String expired = expiring.json().get("id").asText() + ":" + expiring.json().get("api_key").asText();
        long deadline = System.nanoTime() + 10_000_000_000L;
        String failure = apiKeyFailure(expired);
        while (failure == null && System.nanoTime() < deadline) {
            failure = apiKeyFailure(expired);
        }
        assertThat(failure).isEqualTo("API key: api key is expired");
    }

    /** The 401's {@code additional_unsuccessful_credentials}, or null when the key was accepted. */
    private String apiKeyFailure(String idAndSecret) {
        Answer answer = server.send("GET", "/_security/_authenticate", null, JSON,
                "ApiKey " + Base64.getEncoder().encodeToString(idAndSecret.getBytes(StandardCharsets.UTF_8)));
        if (answer.status() == 200) {
            return null;
        }
        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.errorReason()).isEqualTo("unable to authenticate with provided credentials and anonymous access is "
                + "not allowed for this request");
        assertThat(answer.json().at("/error/header/WWW-Authenticate").toString())
                .isEqualTo("[\"Basic realm=\\\"security\\\", charset=\\\"UTF-8\\\"\",\"ApiKey\"]");
        return answer.json().at("/error/additional_unsuccessful_credentials").asText();
    }

    @Test
    void createApiKeyRequestsAreValidatedAsElasticsearchValidatesThem() {
        Answer underscore = server.send("POST", "/_security/api_key", "{\"name\":\"_hidden\",\"metadata\":{\"_k\":1},"
                + "\"role_descriptors\":{\"r\":{\"cluster\":[\"fly\"]}}}", JSON, SU);
        assertThat(underscore.status()).isEqualTo(400);
        assertThat(underscore.errorType()).isEqualTo("action_request_validation_exception");
        assertThat(underscore.errorReason()).startsWith("Validation Failed: 1: api key name may not begin with an underscore;"
                + "2: API key metadata keys may not start with [_];3: unknown cluster privilege [fly]. a privilege must be "
                + "either one of the predefined cluster privilege names [");
        Answer spaces = server.send("POST", "/_security/api_key", "{\"name\":\" " + "x".repeat(256) + "\"}", JSON, SU);
        assertThat(spaces.errorReason()).isEqualTo("Validation Failed: 1: api key name may not be more than 256 characters "
                + "long;2: api key name may not begin or end with whitespace;");
        Answer unknown = server.send("POST", "/_security/api_key", "{\"name\":\"k\",\"nmae\":1}", JSON, SU);
        assertThat(unknown.errorType()).as("CreateApiKeyRequestBuilder's strict parser").isEqualTo("x_content_parse_exception");
        assertThat(unknown.errorReason()).isEqualTo("[1:13] [api_key_request] unknown field [nmae]");
        Answer number = server.send("POST", "/_security/api_key", "{\"name\":7}", JSON, SU);
        assertThat(number.errorReason()).isEqualTo("[1:9] [api_key_request] name doesn't support values of type: VALUE_NUMBER");
        Answer noName = server.send("POST", "/_security/api_key", "{\"expiration\":\"1d\"}", JSON, SU);
        assertThat(noName.errorType()).isEqualTo("illegal_argument_exception");
        assertThat(noName.errorReason()).isEqualTo("Required [name]");
        Answer nameless = server.send("POST", "/_security/api_key", "{\"name\":\"k\",\"role_descriptors\":{\"r\":"
                + "{\"indices\":[{\"privileges\":[\"read\"]}]}}}", JSON, SU);
        assertThat(nameless.status()).as("an index group without names is refused, not kept").isEqualTo(400);
        assertThat(nameless.errorReason()).isEqualTo("role [r] has an index grant without names");
        Answer missing = server.send("POST", "/_security/api_key", "{\"name\":\"\"}", JSON,
                TestServer.basic("alice", "alice-password"));
        assertThat(missing.status()).as("validation comes before authorization").isEqualTo(400);
        assertThat(missing.errorReason()).isEqualTo("Validation Failed: 1: api key name is required;");
    }

    @Test
    void getApiKeyFindsKeysByIdNameOwnerAndUserInApiKeysShape() {
        Answer first = server.send("POST", "/_security/api_key", "{\"name\":\"loader-1\",\"metadata\":{\"env\":\"ci\"},"
                + "\"role_descriptors\":{\"reader\":{\"cluster\":[\"monitor_ml\"]}}}", JSON, SU);
        String id = first.json().get("id").asText();
        server.send("POST", "/_security/api_key", "{\"name\":\"loader-2\",\"expiration\":\"1d\"}", JSON, SU);
        server.send("POST", "/_security/api_key", "{\"name\":\"other\"}", JSON, SU);

        Answer byId = server.send("GET", "/_security/api_key?id=" + id, null, JSON, SU);
        assertThat(byId.status()).isEqualTo(200);
        JsonNode key = byId.json().at("/api_keys/0");
        assertThat(keys(key)).containsExactly("id", "name", "type", "creation", "invalidated", "username", "realm",
                "realm_type", "metadata", "role_descriptors");
        assertThat(key.get("type").asText()).isEqualTo("rest");
        assertThat(key.get("username").asText()).isEqualTo("elastic");
        assertThat(key.get("realm").asText()).isEqualTo("reserved");
        assertThat(key.get("metadata").toString()).isEqualTo("{\"env\":\"ci\"}");
        assertThat(key.at("/role_descriptors/reader/transient_metadata").toString()).isEqualTo("{\"enabled\":true}");

        assertThat(server.send("GET", "/_security/api_key?name=loader-*", null, JSON, SU).json().get("api_keys").size())
                .isEqualTo(2);
        assertThat(server.send("GET", "/_security/api_key?owner=true", null, JSON, SU).json().get("api_keys").size())
                .isEqualTo(3);
        assertThat(server.send("GET", "/_security/api_key?username=alice", null, JSON, SU).body())
                .as("none found is an empty list").isEqualTo("{\"api_keys\":[]}");

        server.send("DELETE", "/_security/api_key", "{\"name\":\"other\"}", JSON, SU);
        JsonNode invalidated = server.send("GET", "/_security/api_key?name=other", null, JSON, SU).json().at("/api_keys/0");
        assertThat(invalidated.get("invalidated").asBoolean()).isTrue();
        assertThat(invalidated.has("invalidation")).isTrue();
        assertThat(server.send("GET", "/_security/api_key?active_only=true", null, JSON, SU).json().get("api_keys").size())
                .isEqualTo(2);

        Answer both = server.send("GET", "/_security/api_key?id=" + id + "&name=other&owner=true&username=elastic", null,
                JSON, SU);
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.errorReason()).isEqualTo("Validation Failed: 1: username or realm name must not be specified when "
                + "the api key id or api key name is specified;2: neither username nor realm-name may be specified when "
                + "retrieving owned API keys;3: only one of [api key id, api key name] can be specified;");
    }

    @Test
    void manageOwnApiKeyReachesOnlyTheCallersOwnKeys() {
        // ManageOwnApiKeyClusterPrivilege: get and invalidate only for the caller's own keys (owner=true, the caller's
        // user name, or the key the caller authenticated with); any other request needs manage_api_key.
        server.send("PUT", "/_security/role/key_maker", "{\"cluster\":[\"manage_own_api_key\"]}", JSON, SU);
        server.send("PUT", "/_security/user/alice", "{\"roles\":[\"machine_learning_user\",\"key_maker\"]}", JSON, SU);
        String alice = TestServer.basic("alice", "alice-password");
        String aliceKey = server.send("POST", "/_security/api_key", "{\"name\":\"alice-key\"}", JSON, alice).json()
                .get("id").asText();
        String elasticKey = server.send("POST", "/_security/api_key", "{\"name\":\"elastic-key\"}", JSON, SU).json()
                .get("id").asText();

        Answer everyone = server.send("GET", "/_security/api_key", null, JSON, alice);
        assertThat(everyone.status()).as(everyone.body()).isEqualTo(403);
        assertThat(everyone.errorReason()).startsWith("action [cluster:admin/xpack/security/api_key/get] is unauthorized "
                + "for user [alice]");
        assertThat(server.send("GET", "/_security/api_key?id=" + elasticKey, null, JSON, alice).status()).isEqualTo(403);
        assertThat(server.send("GET", "/_security/api_key?username=elastic", null, JSON, alice).status()).isEqualTo(403);
        Answer own = server.send("GET", "/_security/api_key?owner=true", null, JSON, alice);
        assertThat(own.status()).as(own.body()).isEqualTo(200);
        assertThat(own.json().at("/api_keys/0/id").asText()).isEqualTo(aliceKey);
        assertThat(own.json().get("api_keys").size()).isEqualTo(1);
        assertThat(server.send("GET", "/_security/api_key?username=alice", null, JSON, alice).status()).isEqualTo(200);

        Answer others = server.send("DELETE", "/_security/api_key", "{\"ids\":[\"" + elasticKey + "\"]}", JSON, alice);
        assertThat(others.status()).isEqualTo(403);
        assertThat(server.send("GET", "/_security/api_key?id=" + elasticKey, null, JSON, SU).json()
                .at("/api_keys/0/invalidated").asBoolean()).as("another user's key stays valid").isFalse();
        Answer mine = server.send("DELETE", "/_security/api_key", "{\"owner\":true}", JSON, alice);
        assertThat(mine.status()).as(mine.body()).isEqualTo(200);
        assertThat(mine.json().get("invalidated_api_keys").toString()).isEqualTo("[\"" + aliceKey + "\"]");
    }

    @Test
    void invalidationsMustNameWhatTheyInvalidate() {
        // InvalidateApiKeyRequest's checks: nothing named would otherwise match every key.
        String elasticKey = server.send("POST", "/_security/api_key", "{\"name\":\"kept\"}", JSON, SU).json()
                .get("id").asText();
        Answer nothing = server.send("DELETE", "/_security/api_key", "{}", JSON, SU);
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(nothing.errorType()).isEqualTo("action_request_validation_exception");
        assertThat(nothing.errorReason()).isEqualTo("Validation Failed: 1: One of [api key id(s), api key name, username, "
                + "realm name] must be specified if [owner] flag is false;");
        assertThat(server.send("DELETE", "/_security/api_key", "{\"owner\":true,\"username\":\"elastic\"}", JSON, SU)
                .errorReason()).isEqualTo("Validation Failed: 1: neither username nor realm-name may be specified when "
                + "invalidating owned API keys;");
        assertThat(server.send("DELETE", "/_security/api_key", "{\"name\":\"kept\",\"username\":\"elastic\"}", JSON,
                SU).errorReason()).isEqualTo("Validation Failed: 1: username or realm name must not be specified when the "
                + "api key id(s) or api key name is specified;");
        assertThat(server.send("GET", "/_security/api_key?id=" + elasticKey, null, JSON, SU).json()
                .at("/api_keys/0/invalidated").asBoolean()).isFalse();
    }

    @Test
    void roleMappingsAreRefusedRatherThanPretended() {
        for (String method : new String[] {"PUT", "GET", "DELETE"}) {
            Answer answer = server.send(method, "/_security/role_mapping/admins", method.equals("PUT")
                    ? "{\"roles\":[\"superuser\"],\"enabled\":true,\"rules\":{\"field\":{\"username\":\"*\"}}}" : null, JSON, SU);
            assertThat(answer.status()).as(method).isEqualTo(400);
            assertThat(answer.errorType()).isEqualTo("illegal_argument_exception");
            assertThat(answer.errorReason()).startsWith("role mappings are not supported by this server");
        }
        assertThat(server.send("GET", "/_security/role_mapping", null, JSON, SU).status()).isEqualTo(400);
    }
}
