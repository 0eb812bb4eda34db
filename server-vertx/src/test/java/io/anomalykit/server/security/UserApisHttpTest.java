package io.anomalykit.server.security;

import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The change-password and put-user APIs as Elasticsearch answers them over real HTTP: {@code RestChangePasswordAction}
 * (both routes), {@code RBACEngine.checkSameUserPermissions}, {@code TransportChangePasswordAction.doExecute},
 * {@code ChangePasswordRequestBuilder.source}, {@code PutUserRequestBuilder.source}, {@code PutUserRequest.validate},
 * {@code TransportPutUserAction.validateRequest} with {@code ClientReservedRealm.isReserved} and
 * {@code Validation.Users.validateUsername}.
 */
class UserApisHttpTest {

    private static final String RECORDS = "/_ml/anomaly_detectors/it-ops-kpi/results/records";
    private static final String SU = TestServer.SUPERUSER_AUTHORIZATION;
    private static final String JSON = "application/json";

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
                + "[\"machine_learning_user\"]}", JSON, SU);
        assertThat(created.body()).isEqualTo("{\"created\":true}");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void ownPasswordChangesThroughTheClientsPathAndNoUserNamedPasswordAppears() {
        String alice = TestServer.basic("alice", "alice-password");
        for (String method : new String[] {"PUT", "POST"}) {
            String next = method.equals("PUT") ? "alice-second" : "alice-third";
            Answer changed = server.send(method, "/_security/user/_password", "{\"password\":\"" + next + "\"}", JSON, alice);
            assertThat(changed.status()).as(method).isEqualTo(200);
            assertThat(changed.body()).isEqualTo("{}");
            assertThat(server.send("GET", RECORDS, null, JSON, alice).status()).as("the old password").isEqualTo(401);
            alice = TestServer.basic("alice", next);
            assertThat(server.send("GET", RECORDS, null, JSON, alice).status()).as("the new one").isEqualTo(200);
        }
        assertThat(server.send("GET", "/_security/user/_password", null, JSON, SU).status())
                .as("no user named _password was made").isEqualTo(404);
        assertThat(server.send("PUT", "/_security/user/alice/_password", "{\"password\":\"alice-fourth\"}", JSON, alice)
                .status()).as("one's own name in the path needs no privilege either").isEqualTo(200);
    }

    @Test
    void anotherUsersPasswordNeedsTheChangePasswordAction() {
        server.send("PUT", "/_security/user/bob", "{\"password\":\"bob-password\",\"roles\":[]}", JSON, SU);
        Answer denied = server.send("PUT", "/_security/user/bob/_password", "{\"password\":\"stolen-pw\"}", JSON,
                TestServer.basic("alice", "alice-password"));
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.errorReason()).startsWith("action [cluster:admin/xpack/security/user/change_password] is "
                + "unauthorized for user [alice] with effective roles [machine_learning_user]");
        assertThat(server.send("PUT", "/_security/user/bob/_password", "{\"password\":\"by-the-admin\"}", JSON, SU).status())
                .isEqualTo(200);
        assertThat(server.send("GET", "/_security/_authenticate", null, JSON, TestServer.basic("bob", "by-the-admin"))
                .status()).isEqualTo(200);
    }

    @Test
    void theSuperuserChangesItsOwnPasswordAndItSticks() {
        Answer changed = server.send("POST", "/_security/user/_password", "{\"password\":\"elastic-new-pw\"}", JSON, SU);
        assertThat(changed.status()).isEqualTo(200);
        assertThat(server.send("GET", RECORDS, null, JSON, SU).status()).as("the configured password").isEqualTo(401);
        assertThat(server.send("GET", RECORDS, null, JSON, TestServer.basic("elastic", "elastic-new-pw")).status())
                .isEqualTo(200);
    }

    @Test
    void fileRealmAndUnknownUsersCannotChangePasswordsHere() {
        String filer = TestServer.basic("filer", "filer-password");
        Answer own = server.send("PUT", "/_security/user/_password", "{\"password\":\"filer-new-pw\"}", JSON, filer);
        assertThat(own.status()).as("checkChangePasswordAction: only native and reserved users").isEqualTo(403);
        assertThat(own.errorReason()).contains("action [cluster:admin/xpack/security/user/change_password] is unauthorized "
                + "for user [filer]");

        Answer fileUser = server.send("PUT", "/_security/user/filer/_password", "{\"password\":\"filer-new-pw\"}", JSON, SU);
        assertThat(fileUser.status()).isEqualTo(400);
        assertThat(fileUser.errorType()).isEqualTo("validation_exception");
        assertThat(fileUser.errorReason()).isEqualTo("Validation Failed: 1: user [filer] is a(n)file/default_file user "
                + "and cannot be managed via this API.;");

        Answer nobody = server.send("PUT", "/_security/user/nobody/_password", "{\"password\":\"whatever1\"}", JSON, SU);
        assertThat(nobody.status()).isEqualTo(400);
        assertThat(nobody.errorType()).isEqualTo("validation_exception");
        assertThat(nobody.errorReason()).as("no realm adds an error").isEqualTo("Validation Failed: ");

    }

    @Test
    void changePasswordBodiesAreCheckedBeforeAuthorization() {
        String nobody = TestServer.basic("alice", "alice-password");
        Answer shortOne = server.send("PUT", "/_security/user/bob/_password", "{\"password\":\"abc\"}", JSON, nobody);
        assertThat(shortOne.status()).isEqualTo(400);
        assertThat(shortOne.errorType()).isEqualTo("validation_exception");
        assertThat(shortOne.errorReason()).isEqualTo("Validation Failed: 1: passwords must be at least [6] characters long;");
        Answer unknown = server.send("PUT", "/_security/user/_password", "{\"passwd\":\"abcdefgh\"}", JSON, nobody);
        assertThat(unknown.errorType()).isEqualTo("parse_exception");
        assertThat(unknown.errorReason()).isEqualTo("failed to parse change password request. unexpected field [passwd]");
        Answer missing = server.send("PUT", "/_security/user/_password", "{}", JSON, nobody);
        assertThat(missing.errorType()).isEqualTo("action_request_validation_exception");
        assertThat(missing.errorReason()).isEqualTo("Validation Failed: 1: password is missing;");
        Answer number = server.send("PUT", "/_security/user/_password", "{\"password\":123456}", JSON, nobody);
        assertThat(number.errorReason()).isEqualTo("expected field [password] to be of type string, but found [VALUE_NUMBER] "
                + "instead");
    }

    @Test
    void reservedUsersAreOnlyForTheirPasswords() {
        for (String reserved : ReservedUsers.NAMES) {
            Answer put = server.send("PUT", "/_security/user/" + reserved, "{\"password\":\"whatever1\",\"roles\":[]}", JSON, SU);
            assertThat(put.status()).as(reserved).isEqualTo(400);
            assertThat(put.errorType()).isEqualTo("action_request_validation_exception");
            assertThat(put.errorReason()).isEqualTo("Validation Failed: 1: user [" + reserved + "] is reserved and only the "
                    + "password can be changed;");
        }
    }

    /** TransportDeleteUserAction and TransportDeleteRoleAction refuse the reserved ones. */
    @Test
    void reservedUsersAndRolesCannotBeDeleted() {
        Answer user = server.send("DELETE", "/_security/user/kibana_system", null, JSON, SU);
        assertThat(user.status()).isEqualTo(400);
        assertThat(user.errorType()).isEqualTo("illegal_argument_exception");
        assertThat(user.errorReason()).isEqualTo("user [kibana_system] is reserved and cannot be deleted");
        Answer role = server.send("DELETE", "/_security/role/superuser", null, JSON, SU);
        assertThat(role.errorReason()).isEqualTo("role [superuser] is reserved and cannot be deleted");
        assertThat(server.send("GET", RECORDS, null, JSON, SU).status()).isEqualTo(200);
    }

    @Test
    void rolesAsAStringAreACommaSeparatedList() {
        Answer put = server.send("PUT", "/_security/user/carol", "{\"password\":\"carol-password\",\"roles\":"
                + "\"machine_learning_user,reader\"}", JSON, SU);
        assertThat(put.status()).isEqualTo(200);
        assertThat(server.send("GET", "/_security/user/carol", null, JSON, SU).json().at("/carol/roles").toString())
                .isEqualTo("[\"machine_learning_user\",\"reader\"]");
        Answer spaced = server.send("PUT", "/_security/user/carol", "{\"roles\":\"machine_learning_user, reader\"}", JSON, SU);
        assertThat(spaced.status()).as("nothing is trimmed, and \" reader\" is no role name").isEqualTo(400);
        assertThat(spaced.errorReason()).startsWith("Validation Failed: 1: Role names must be at least 1 and no more than 507 "
                + "characters.");
    }

    @Test
    void invalidUsersAreRefusedWithElasticsearchsMessages() {
        Answer noRoles = server.send("PUT", "/_security/user/dave", "{\"password\":\"dave-password\"}", JSON, SU);
        assertThat(noRoles.errorType()).isEqualTo("action_request_validation_exception");
        assertThat(noRoles.errorReason()).isEqualTo("Validation Failed: 1: roles are missing;");
        Answer badName = server.send("PUT", "/_security/user/%20dave", "{\"password\":\"dave-password\",\"roles\":[]}", JSON,
                SU);
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.errorReason()).isEqualTo("Validation Failed: 1: User names must be at least 1 and no more than 507 "
                + "characters. They can contain alphanumeric characters (a-z, A-Z, 0-9), spaces, punctuation, and printable "
                + "symbols in the Basic Latin (ASCII) block. Leading or trailing whitespace is not allowed.;");
        Answer unknownField = server.send("PUT", "/_security/user/dave", "{\"password\":\"dave-password\",\"roles\":[],"
                + "\"rolez\":[]}", JSON, SU);
        assertThat(unknownField.errorType()).isEqualTo("parse_exception");
        assertThat(unknownField.errorReason()).isEqualTo("failed to parse add user request. unexpected field [rolez]");
        Answer metadata = server.send("PUT", "/_security/user/dave", "{\"password\":\"dave-password\",\"roles\":[],"
                + "\"metadata\":{\"_reserved\":1}}", JSON, SU);
        assertThat(metadata.errorReason()).isEqualTo("Validation Failed: 1: metadata keys may not start with [_];");
        Answer enabled = server.send("PUT", "/_security/user/dave", "{\"password\":\"dave-password\",\"roles\":[],"
                + "\"enabled\":\"yes\"}", JSON, SU);
        assertThat(enabled.errorReason()).isEqualTo("expected field [enabled] to be of type boolean, but found [VALUE_STRING] "
                + "instead");
        Answer otherName = server.send("PUT", "/_security/user/dave", "{\"username\":\"eve\",\"password\":\"dave-password\","
                + "\"roles\":[]}", JSON, SU);
        assertThat(otherName.errorType()).isEqualTo("illegal_argument_exception");
        assertThat(otherName.errorReason()).isEqualTo("[username] in source does not match the username provided [dave]");
        assertThat(server.send("GET", "/_security/user/dave", null, JSON, SU).status()).as("none was stored").isEqualTo(404);
    }

    @Test
    void invalidRolesAreRefusedBeforeAuthorizationWithElasticsearchsMessages() {
        String alice = TestServer.basic("alice", "alice-password");
        Answer unknown = server.send("PUT", "/_security/role/bad", "{\"cluster\":[\"root_everything\",\"monitor_ml\"],"
                + "\"indices\":[{\"names\":[\"x\"],\"privileges\":[\"read\",\"peek\"]}]}", JSON, alice);
        assertThat(unknown.status()).as("PutRoleRequest.validate runs before authorization").isEqualTo(400);
        assertThat(unknown.errorType()).isEqualTo("action_request_validation_exception");
        assertThat(unknown.errorReason()).startsWith("Validation Failed: 1: unknown cluster privilege [root_everything]. a "
                + "privilege must be either one of the predefined cluster privilege names [none,")
                .contains(",all] or a pattern over one of the available cluster actions;2: unknown index privilege [peek]. a "
                        + "privilege must be either one of the predefined fixed indices privileges [all,")
                .endsWith("] or a pattern over one of the available index actions;");
        Answer reserved = server.send("PUT", "/_security/role/machine_learning_user", "{}", JSON, SU);
        assertThat(reserved.errorReason()).isEqualTo("Validation Failed: 1: Role [machine_learning_user] is reserved and may "
                + "not be used.;");

        Answer pattern = server.send("PUT", "/_security/role/ml-reader-by-action", "{\"cluster\":[\"cluster:monitor/xpack/ml/*\"],"
                + "\"indices\":[{\"names\":[\".ml-anomalies-*\"],\"privileges\":[\"indices:data/read/*\"]}]}",
                JSON, SU);
        assertThat(pattern.status()).as("patterns over cluster and index actions are privileges").isEqualTo(200);
        server.send("PUT", "/_security/user/pat", "{\"password\":\"pat-password\",\"roles\":[\"ml-reader-by-action\"]}", JSON, SU);
        assertThat(server.send("GET", RECORDS, null, JSON, TestServer.basic("pat", "pat-password")).status()).isEqualTo(200);
        assertThat(server.send("PUT", "/_ml/anomaly_detectors/pats-job", "{\"analysis_config\":{\"detectors\":[{\"function\":"
                + "\"count\"}]},\"data_description\":{}}", JSON, TestServer.basic("pat", "pat-password")).status()).isEqualTo(403);
    }

    /**
     * {@code RestSetEnabledAction} (PUT and POST), {@code SetEnabledRequest.validate}, {@code TransportSetEnabledAction}
     * (own account, {@code InternalUsers}, {@code AnonymousUser}) and {@code NativeUsersStore.setEnabled} (reserved users
     * kept in the native store, other users must be native and exist).
     */
    @Test
    void aDisableBesideAPasswordChangeKeepsBoth() throws Exception {
        // Two changes of one user at once: each must start from what the other stored, or one is lost (the password
        // written back as it was, or the user enabled again).
        ExecutorService clients = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 12; i++) {
                String password = "alice-password-" + i;
                // A hash, not a password: both changes then reach the store together, with no bcrypt between them.
                String hash = Security.hash(password);
                CompletableFuture<Answer> changed = CompletableFuture.supplyAsync(() -> server.send("PUT",
                        "/_security/user/alice/_password", "{\"password_hash\":\"" + hash + "\"}", JSON, SU), clients);
                CompletableFuture<Answer> disabled = CompletableFuture.supplyAsync(() -> server.send("PUT",
                        "/_security/user/alice/_disable", null, JSON, SU), clients);
                assertThat(changed.get(1, TimeUnit.MINUTES).status()).isEqualTo(200);
                assertThat(disabled.get(1, TimeUnit.MINUTES).status()).isEqualTo(200);
                assertThat(server.send("GET", "/_security/user/alice", null, JSON, SU).json().at("/alice/enabled")
                        .asBoolean()).as("still disabled after round " + i).isFalse();
                assertThat(server.send("PUT", "/_security/user/alice/_enable", null, JSON, SU).status()).isEqualTo(200);
                assertThat(server.send("GET", RECORDS, null, JSON, TestServer.basic("alice", password)).status())
                        .as("the new password kept in round " + i).isEqualTo(200);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void usersAreDisabledAndEnabledAsTheSetEnabledActionDoes() {
        String alice = TestServer.basic("alice", "alice-password");
        for (String method : new String[] {"PUT", "POST"}) {
            Answer disabled = server.send(method, "/_security/user/alice/_disable", null, JSON, SU);
            assertThat(disabled.status()).as(method + " " + disabled.body()).isEqualTo(200);
            assertThat(disabled.body()).isEqualTo("{}");
            assertThat(server.send(method, "/_security/user/alice/_disable", null, JSON, SU).status())
                    .as("disabling a disabled user is no error").isEqualTo(200);
            assertThat(server.send("GET", RECORDS, null, JSON, alice).status()).as("a disabled user").isEqualTo(401);
            assertThat(server.send("GET", "/_security/user/alice", null, JSON, SU).json().at("/alice/enabled").asBoolean())
                    .isFalse();
            assertThat(server.send(method, "/_security/user/alice/_enable", null, JSON, SU).status()).isEqualTo(200);
            assertThat(server.send("GET", RECORDS, null, JSON, alice).status()).as("enabled again").isEqualTo(200);
        }

        Answer own = server.send("PUT", "/_security/user/elastic/_disable", null, JSON, SU);
        assertThat(own.status()).isEqualTo(400);
        assertThat(own.errorType()).isEqualTo("illegal_argument_exception");
        assertThat(own.errorReason()).isEqualTo("users may not update the enabled status of their own account");
        assertThat(server.send("PUT", "/_security/user/_xpack_security/_disable", null, JSON, SU).errorReason())
                .isEqualTo("user [_xpack_security] is internal");
        assertThat(server.send("PUT", "/_security/user/_anonymous/_enable", null, JSON, SU).errorReason())
                .isEqualTo("user [_anonymous] is anonymous and cannot be modified using the api");
        for (String user : new String[] {"nobody", "filer"}) {
            Answer missing = server.send("PUT", "/_security/user/" + user + "/_enable", null, JSON, SU);
            assertThat(missing.status()).as(user).isEqualTo(400);
            assertThat(missing.errorType()).isEqualTo("validation_exception");
            assertThat(missing.errorReason()).isEqualTo("Validation Failed: 1: only existing users can be enabled;");
        }
        Answer badName = server.send("PUT", "/_security/user/%20alice/_disable", null, JSON, SU);
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.errorType()).isEqualTo("action_request_validation_exception");
        Answer denied = server.send("PUT", "/_security/user/elastic/_disable", null, JSON, alice);
        assertThat(denied.status()).isEqualTo(403);
        assertThat(denied.errorReason()).startsWith("action [cluster:admin/xpack/security/user/set_enabled] is "
                + "unauthorized for user [alice]");

        assertThat(server.send("PUT", "/_security/user/kibana_system/_password", "{\"password\":\"kibana-password\"}",
                JSON, SU).status()).isEqualTo(200);
        String kibana = TestServer.basic("kibana_system", "kibana-password");
        assertThat(server.send("GET", "/_security/_authenticate", null, JSON, kibana).status()).isEqualTo(200);
        assertThat(server.send("PUT", "/_security/user/kibana_system/_disable", null, JSON, SU).status()).isEqualTo(200);
        assertThat(server.send("GET", "/_security/_authenticate", null, JSON, kibana).status())
                .as("a disabled reserved user").isEqualTo(401);
        assertThat(server.send("GET", "/_security/user/kibana_system", null, JSON, SU).json()
                .at("/kibana_system/enabled").asBoolean()).isFalse();
        assertThat(server.send("PUT", "/_security/user/kibana_system/_enable", null, JSON, SU).status()).isEqualTo(200);
        assertThat(server.send("GET", "/_security/_authenticate", null, JSON, kibana).status()).isEqualTo(200);
    }
}
