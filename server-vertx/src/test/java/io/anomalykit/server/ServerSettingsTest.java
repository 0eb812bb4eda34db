package io.anomalykit.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one settings table: where each setting comes from (flags, then environment, then the config file, then defaults). */
class ServerSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreLoopbackAndElasticsearchsPort() {
        ServerSettings settings = ServerSettings.resolve(new String[0], Map.of());
        assertThat(settings.host()).isEqualTo("127.0.0.1");
        assertThat(ServerSettings.PORT_SETTING.defaultValue()).isEqualTo("9200");
        assertThat(settings.given(ServerSettings.PORT_SETTING)).isFalse();
        assertThat(settings.storeKey()).isEqualTo("data:" + Path.of("data").toAbsolutePath());
        assertThat(settings.demo()).isFalse();
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheConfigFile() throws IOException {
        Path config = Files.writeString(dir.resolve("c.json"),
                "{\"host\":\"127.0.0.2\",\"port\":9300,\"data\":\"from-config\",\"demo\":true}");
        ServerSettings fromConfig = ServerSettings.resolve(new String[] {"--config", config.toString()}, Map.of());
        assertThat(fromConfig.get(ServerSettings.HOST)).isEqualTo("127.0.0.2");
        assertThat(fromConfig.get(ServerSettings.PORT_SETTING)).isEqualTo(9300);
        assertThat(fromConfig.get(ServerSettings.DEMO)).isEqualTo(true);

        Map<String, String> env = Map.of("ANOMALYKIT_CONFIG", config.toString(), "ANOMALYKIT_PORT", "9400",
                "ANOMALYKIT_DATA", "from-env");
        ServerSettings fromEnv = ServerSettings.resolve(new String[0], env);
        assertThat(fromEnv.get(ServerSettings.PORT_SETTING)).isEqualTo(9400);
        assertThat(fromEnv.get(ServerSettings.DATA)).isEqualTo(Path.of("from-env"));
        assertThat(fromEnv.get(ServerSettings.HOST)).isEqualTo("127.0.0.2");

        ServerSettings fromFlags = ServerSettings.resolve(new String[] {"--port", "0", "--data", "from-flag"}, env);
        assertThat(fromFlags.get(ServerSettings.PORT_SETTING)).isEqualTo(0);
        assertThat(fromFlags.get(ServerSettings.DATA)).isEqualTo(Path.of("from-flag"));
    }

    @Test
    void badEnvironmentValuesAreRejected() {
        assertThatThrownBy(() -> ServerSettings.resolve(new String[0], Map.of("ANOMALYKIT_PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("ANOMALYKIT_PORT must be a number from 0 to 65535, not [http]");
        assertThatThrownBy(() -> ServerSettings.resolve(new String[0], Map.of("ANOMALYKIT_DEMO", "yes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ANOMALYKIT_DEMO");
    }

    @Test
    void aClusterStoreNeedsAnHttpAddressAndTakesItsPasswordFromTheEnvironment() {
        ServerSettings cluster = ServerSettings.resolve(new String[] {"--store", "cluster", "--store-url",
                "https://search.example:9243/prefix", "--store-user", "anomalykit"},
                Map.of("ANOMALYKIT_STORE_PASSWORD", "s3cret"));
        var settings = cluster.clusterStore();
        assertThat(settings.url().toString()).isEqualTo("https://search.example:9243/prefix");
        assertThat(settings.username()).isEqualTo("anomalykit");
        assertThat(settings.password()).isEqualTo("s3cret");
        assertThat(settings.toString()).doesNotContain("s3cret");
        assertThat(settings.readOnly()).isFalse();
        assertThat(ServerSettings.resolve(new String[] {"--store", "cluster", "--store-url", "http://127.0.0.1:9200",
                "--store-read-only"}, Map.of()).clusterStore().readOnly()).isTrue();
        assertThatThrownBy(() -> ServerSettings.resolve(new String[] {"--store-read-only"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--store-read-only is for --store cluster");
        assertThatThrownBy(() -> ServerSettings.resolve(new String[] {"--store", "cluster"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--store cluster and --store-url go together");
        assertThatThrownBy(() -> ServerSettings.resolve(new String[] {"--store", "cluster", "--store-url", "ftp://x"},
                Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an http or https address");
        assertThatThrownBy(() -> ServerSettings.resolve(new String[] {"--store", "memory"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("embedded or cluster");
    }

    @Test
    void compatibilityIsOneSettingReadFromFlagEnvironmentAndConfigFile() throws IOException {
        assertThat(ServerSettings.COMPATIBILITY.defaultValue()).isEqualTo("8");
        Path config = Files.writeString(dir.resolve("compat.json"), "{\"compatibility\":9}");
        assertThat(ServerSettings.resolve(new String[] {"--config", config.toString()}, Map.of()).get(ServerSettings.COMPATIBILITY))
                .isEqualTo(io.anomalykit.server.http.EmulatedVersion.V9);
        Map<String, String> env = Map.of("ANOMALYKIT_CONFIG", config.toString(), "ANOMALYKIT_COMPATIBILITY", "8");
        assertThat(ServerSettings.resolve(new String[0], env).get(ServerSettings.COMPATIBILITY))
                .isEqualTo(io.anomalykit.server.http.EmulatedVersion.V8);
        assertThat(ServerSettings.resolve(new String[] {"--compatibility", "9"}, env).get(ServerSettings.COMPATIBILITY))
                .isEqualTo(io.anomalykit.server.http.EmulatedVersion.V9);
        assertThat(ServerSettings.COMPATIBILITY.flag()).isEqualTo("--compatibility");
        assertThat(ServerSettings.COMPATIBILITY.env()).isEqualTo("ANOMALYKIT_COMPATIBILITY");
        assertThatThrownBy(() -> ServerSettings.resolve(new String[] {"--compatibility", "7"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--compatibility must be 8 or 9, not [7]");
        assertThatThrownBy(() -> ServerSettings.resolve(new String[0], Map.of("ANOMALYKIT_COMPATIBILITY", "nine")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ANOMALYKIT_COMPATIBILITY");
    }

    @Test
    void limitsAreSettingsReadFromFlagEnvironmentAndConfigFile() throws IOException {
        for (ServerSettings.Setting limit : ServerSettings.TABLE.stream().filter(s -> s.kind().shape().equals("N")).toList()) {
            assertThat(ServerSettings.resolve(new String[0], Map.of()).given(limit)).isFalse();
            Path config = Files.writeString(dir.resolve(limit.key() + ".json"), "{\"" + limit.key() + "\":7}");
            assertThat(ServerSettings.resolve(new String[] {"--config", config.toString()}, Map.of()).get(limit)).isEqualTo(7L);
            Map<String, String> env = Map.of("ANOMALYKIT_CONFIG", config.toString(), limit.env(), "8");
            assertThat(ServerSettings.resolve(new String[0], env).get(limit)).isEqualTo(8L);
            assertThat(ServerSettings.resolve(new String[] {limit.flag(), "9"}, env).get(limit)).isEqualTo(9L);
            assertThatThrownBy(() -> ServerSettings.resolve(new String[] {limit.flag(), "-1"}, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(limit.flag() + " must be");
            assertThatThrownBy(() -> ServerSettings.resolve(new String[0], Map.of(limit.env(), "many")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(limit.env() + " must be");
        }
        assertThat(ServerSettings.CREDENTIAL_THREADS.flag()).isEqualTo("--credential-threads");
        assertThat(ServerSettings.CREDENTIAL_THREADS.env()).isEqualTo("ANOMALYKIT_CREDENTIAL_THREADS");
        assertThatThrownBy(() -> ServerSettings.resolve(new String[] {"--credential-threads", "0"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--credential-threads must be a whole number from 1 to 1024, not [0]");
        assertThatThrownBy(() -> ServerSettings.resolve(new String[] {"--header-timeout", "3601"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--header-timeout must be a whole number from 1 to 3600, not [3601]");
        assertThat(ServerSettings.MAX_IN_FLIGHT_BYTES.env()).isEqualTo("ANOMALYKIT_MAX_IN_FLIGHT_BYTES");
    }

    @Test
    void everySettingHasAConfigKeyAnEnvironmentVariableAndAFlagUnlessSecret() {
        for (ServerSettings.Setting setting : ServerSettings.TABLE) {
            assertThat(setting.env()).as(setting.key()).startsWith(setting.kind() == ServerSettings.SECRET
                    && setting.key().equals("elastic_password") ? "ELASTIC_PASSWORD" : "ANOMALYKIT_");
            assertThat(setting.flag() == null).as(setting.key()).isEqualTo(setting.kind() == ServerSettings.SECRET);
            assertThat(setting.help()).as(setting.key()).isNotBlank();
            assertThat(ServerSettings.help()).contains(setting.env()).contains("config: " + setting.key());
        }
        assertThat(ServerSettings.TABLE.stream().map(ServerSettings.Setting::key).distinct().count())
                .isEqualTo(ServerSettings.TABLE.size());
    }

    @Test
    void aYamlConfigFileAndAVerticleConfigSayTheSameAsJson() throws IOException {
        Path yaml = Files.writeString(dir.resolve("c.yaml"), "port: 9300\nevent_loops: 3\nload: []\nendpoints: results\n");
        ServerSettings fromYaml = ServerSettings.resolve(new String[] {"--config", yaml.toString()}, Map.of());
        assertThat(fromYaml.get(ServerSettings.PORT_SETTING)).isEqualTo(9300);
        assertThat(fromYaml.get(ServerSettings.EVENT_LOOPS)).isEqualTo(3L);
        assertThat(fromYaml.get(ServerSettings.ENDPOINTS)).isEqualTo(java.util.Set.of(
                io.anomalykit.server.http.EndpointGroup.RESULTS));
        ServerSettings fromJson = ServerSettings.fromConfig(new io.vertx.core.json.JsonObject()
                .put("port", 9300).put("event_loops", "3"), Map.of("ELASTIC_PASSWORD", "from-env"));
        assertThat(fromJson.get(ServerSettings.PORT_SETTING)).isEqualTo(9300);
        assertThat(fromJson.get(ServerSettings.EVENT_LOOPS)).isEqualTo(3L);
        assertThat(fromJson.get(ServerSettings.ELASTIC_PASSWORD)).isEqualTo("from-env");
        assertThatThrownBy(() -> ServerSettings.fromConfig(new io.vertx.core.json.JsonObject().put("colour", "blue"),
                Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown setting [colour]");
    }

    @Test
    void theHostingGuideShowsTheTableTheCodeDeclares() throws IOException {
        Path guide = Path.of("..", "docs", "hosting.md");
        String text = Files.readString(guide);
        assertThat(text).as("docs/hosting.md holds ServerSettings.markdownTable(); regenerate it")
                .contains(ServerSettings.markdownTable());
    }
}
