package io.anomalykit.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the launcher's settings come from: flags, then environment, then the config file, then defaults. */
class LauncherSettingsTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreLoopbackAndElasticsearchsPort() {
        Launcher.Settings settings = Launcher.Settings.resolve(new String[0], Map.of());
        assertThat(settings.host).isEqualTo("127.0.0.1");
        assertThat(settings.port).isEqualTo(9200);
        assertThat(settings.data).isEqualTo(Path.of("data"));
        assertThat(settings.demo).isFalse();
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheConfigFile() throws IOException {
        Path config = Files.writeString(dir.resolve("c.json"),
                "{\"host\":\"127.0.0.2\",\"port\":9300,\"data\":\"from-config\",\"demo\":true}");
        Launcher.Settings fromConfig = Launcher.Settings.resolve(new String[] {"--config", config.toString()}, Map.of());
        assertThat(fromConfig.host).isEqualTo("127.0.0.2");
        assertThat(fromConfig.port).isEqualTo(9300);
        assertThat(fromConfig.demo).isTrue();

        Map<String, String> env = Map.of("ANOMALYKIT_CONFIG", config.toString(), "ANOMALYKIT_PORT", "9400",
                "ANOMALYKIT_DATA", "from-env");
        Launcher.Settings fromEnv = Launcher.Settings.resolve(new String[0], env);
        assertThat(fromEnv.port).isEqualTo(9400);
        assertThat(fromEnv.data).isEqualTo(Path.of("from-env"));
        assertThat(fromEnv.host).isEqualTo("127.0.0.2");

        Launcher.Settings fromFlags = Launcher.Settings.resolve(new String[] {"--port", "0", "--data", "from-flag"}, env);
        assertThat(fromFlags.port).isZero();
        assertThat(fromFlags.data).isEqualTo(Path.of("from-flag"));
    }

    @Test
    void badEnvironmentValuesAreRejected() {
        assertThatThrownBy(() -> Launcher.Settings.resolve(new String[0], Map.of("ANOMALYKIT_PORT", "http")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port must be a number");
        assertThatThrownBy(() -> Launcher.Settings.resolve(new String[0], Map.of("ANOMALYKIT_DEMO", "yes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ANOMALYKIT_DEMO");
    }

    @Test
    void aClusterStoreNeedsAnHttpAddressAndTakesItsPasswordFromTheEnvironment() {
        Launcher.Settings cluster = Launcher.Settings.resolve(new String[] {"--store", "cluster", "--store-url",
                "https://search.example:9243/prefix", "--store-user", "anomalykit"}, Map.of());
        var settings = cluster.clusterStore(Map.of("ANOMALYKIT_STORE_PASSWORD", "s3cret"));
        assertThat(settings.url().toString()).isEqualTo("https://search.example:9243/prefix");
        assertThat(settings.username()).isEqualTo("anomalykit");
        assertThat(settings.password()).isEqualTo("s3cret");
        assertThat(settings.toString()).doesNotContain("s3cret");
        assertThat(settings.readOnly()).isFalse();
        assertThat(Launcher.Settings.resolve(new String[] {"--store", "cluster", "--store-url", "http://127.0.0.1:9200",
                "--store-read-only"}, Map.of()).clusterStore(Map.of()).readOnly()).isTrue();
        assertThatThrownBy(() -> Launcher.Settings.resolve(new String[] {"--store-read-only"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--store-read-only is for --store cluster");
        assertThatThrownBy(() -> Launcher.Settings.resolve(new String[] {"--store", "cluster"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--store cluster and --store-url go together");
        assertThatThrownBy(() -> Launcher.Settings.resolve(new String[] {"--store", "cluster", "--store-url", "ftp://x"},
                Map.of())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an http or https address");
        assertThatThrownBy(() -> Launcher.Settings.resolve(new String[] {"--store", "memory"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("embedded or cluster");
    }

    @Test
    void compatibilityIsOneSettingReadFromFlagEnvironmentAndConfigFile() throws IOException {
        assertThat(Launcher.Settings.resolve(new String[0], Map.of()).compatibility)
                .isEqualTo(io.anomalykit.server.http.EmulatedVersion.V8);
        Path config = Files.writeString(dir.resolve("compat.json"), "{\"compatibility\":9}");
        assertThat(Launcher.Settings.resolve(new String[] {"--config", config.toString()}, Map.of()).compatibility)
                .isEqualTo(io.anomalykit.server.http.EmulatedVersion.V9);
        Map<String, String> env = Map.of("ANOMALYKIT_CONFIG", config.toString(), "ANOMALYKIT_COMPATIBILITY", "8");
        assertThat(Launcher.Settings.resolve(new String[0], env).compatibility)
                .isEqualTo(io.anomalykit.server.http.EmulatedVersion.V8);
        assertThat(Launcher.Settings.resolve(new String[] {"--compatibility", "9"}, env).compatibility)
                .isEqualTo(io.anomalykit.server.http.EmulatedVersion.V9);
        assertThat(Launcher.COMPATIBILITY.flag()).isEqualTo("--compatibility");
        assertThat(Launcher.COMPATIBILITY.env()).isEqualTo("ANOMALYKIT_COMPATIBILITY");
        assertThatThrownBy(() -> Launcher.Settings.resolve(new String[] {"--compatibility", "7"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--compatibility must be 8 or 9, not [7]");
        assertThatThrownBy(() -> Launcher.Settings.resolve(new String[0], Map.of("ANOMALYKIT_COMPATIBILITY", "nine")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ANOMALYKIT_COMPATIBILITY");
    }

    @Test
    void limitsAreSettingsReadFromFlagEnvironmentAndConfigFile() throws IOException {
        for (Launcher.Setting limit : Launcher.COUNTS.keySet()) {
            assertThat(Launcher.Settings.resolve(new String[0], Map.of()).counts).doesNotContainKey(limit);
            Path config = Files.writeString(dir.resolve(limit.key() + ".json"), "{\"" + limit.key() + "\":7}");
            assertThat(Launcher.Settings.resolve(new String[] {"--config", config.toString()}, Map.of()).counts)
                    .containsEntry(limit, 7L);
            Map<String, String> env = Map.of("ANOMALYKIT_CONFIG", config.toString(), limit.env(), "8");
            assertThat(Launcher.Settings.resolve(new String[0], env).counts).containsEntry(limit, 8L);
            assertThat(Launcher.Settings.resolve(new String[] {limit.flag(), "9"}, env).counts).containsEntry(limit, 9L);
            assertThatThrownBy(() -> Launcher.Settings.resolve(new String[] {limit.flag(), "-1"}, Map.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(limit.flag() + " must be");
            assertThatThrownBy(() -> Launcher.Settings.resolve(new String[0], Map.of(limit.env(), "many")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(limit.env() + " must be");
        }
        assertThat(Launcher.CREDENTIAL_THREADS.flag()).isEqualTo("--credential-threads");
        assertThat(Launcher.CREDENTIAL_THREADS.env()).isEqualTo("ANOMALYKIT_CREDENTIAL_THREADS");
        assertThatThrownBy(() -> Launcher.Settings.resolve(new String[] {"--credential-threads", "0"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--credential-threads must be a whole number from 1 to 1024, not [0]");
        assertThatThrownBy(() -> Launcher.Settings.resolve(new String[] {"--header-timeout", "3601"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--header-timeout must be a whole number from 1 to 3600, not [3601]");
        assertThat(Launcher.MAX_IN_FLIGHT_BYTES.env()).isEqualTo("ANOMALYKIT_MAX_IN_FLIGHT_BYTES");
    }
}
