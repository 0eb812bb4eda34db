package io.anomalykit.conformance.config;

import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.cases.Level;
import io.anomalykit.conformance.service.Capability;
import io.anomalykit.conformance.service.Credentials;
import io.anomalykit.conformance.service.Persona;
import io.anomalykit.conformance.service.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One configuration, from a file, flags or system properties, with the same meaning from each. */
class KitConfigTest {

    private static final CaseLibrary LIBRARY = CaseLibrary.load();

    private static Case byId(String id) {
        return LIBRARY.cases().stream().filter(c -> c.id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void aFileGivesEverySettingWithEnvironmentReferences(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("kit.yaml");
        Files.writeString(file, """
                url: https://${ES_HOST}:9200/es
                api-key-env: ES_API_KEY
                personas:
                  ml_user: {user: reader, password-env: READER_PASSWORD}
                header: {X-Tenant: "${TENANT}"}
                without: [legacy_prefix, get_with_body]
                with: rest_api_v9
                opt-out: {records.desc.default-true: "we default to ascending"}
                exclude: ["^generated\\\\."]
                level: recommended
                strict: true
                seed: 7
                report: out/kit
                max-failures: 3
                wait-for: 30
                request-timeout: 5
                """);
        Map<String, String> env = Map.of("ES_HOST", "es.internal", "ES_API_KEY", "a2V5", "READER_PASSWORD", "secret",
                "TENANT", "acme");
        KitConfig config = KitConfig.builder().load(file, env).build(env);
        Target target = config.target().build();
        assertThat(target.baseUrl()).hasToString("https://es.internal:9200/es");
        assertThat(target.credentials(Persona.SUPERUSER)).contains(new Credentials.ApiKey("a2V5"));
        assertThat(target.credentials(Persona.ML_USER)).contains(new Credentials.Basic("reader", "secret"));
        assertThat(target.supports(Capability.LEGACY_PREFIX)).isFalse();
        assertThat(target.supports(Capability.GET_WITH_BODY)).isFalse();
        assertThat(target.supports(Capability.REST_API_V9)).isTrue();
        assertThat(target.optOutReason("records.desc.default-true")).contains("we default to ascending");
        assertThat(config.level()).isEqualTo(Level.RECOMMENDED);
        assertThat(config.strict()).isTrue();
        assertThat(config.seed()).isEqualTo(7);
        assertThat(config.reportDirectory()).isEqualTo(Path.of("out/kit"));
        assertThat(config.maxFailures()).isEqualTo(3);
        assertThat(config.waitFor()).hasSeconds(30);
        assertThat(config.selects(byId("records.legacy-prefix"))).isTrue();
        assertThat(config.selects(byId("authorization.records.get.cluster-without-index-read"))).as("optional").isFalse();
        assertThat(config.selects(LIBRARY.cases().stream().filter(c -> c.kind().equals("generated")).findFirst()
                .orElseThrow())).as("excluded").isFalse();
    }

    @Test
    void mistakesAreUsageErrorsThatNameTheProblem(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("kit.yaml");
        Files.writeString(file, "url: ${NOT_SET}\n");
        assertThatThrownBy(() -> KitConfig.builder().load(file, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("environment variable NOT_SET is not set");
        Files.writeString(file, "uri: http://x\n");
        assertThatThrownBy(() -> KitConfig.builder().load(file, Map.of()))
                .hasMessageContaining("unknown key [uri]").hasMessageContaining("ca-cert");
        Files.writeString(file, "personas: {root: {user: r, password-env: P}}\n");
        assertThatThrownBy(() -> KitConfig.builder().load(file, Map.of())).hasMessageContaining("unknown persona [root]");
        assertThatThrownBy(() -> KitConfig.builder().set(Setting.USER, "elastic").set(Setting.API_KEY_ENV, "K")
                .build(Map.of("K", "k"))).hasMessageContaining("not both");
        assertThatThrownBy(() -> KitConfig.builder().set(Setting.CLIENT_CERT, "c.pem").build(Map.of()))
                .hasMessageContaining("client-cert and client-key go together");
        assertThatThrownBy(() -> KitConfig.builder().set(Setting.INCLUDE, "(").build(Map.of()))
                .hasMessageContaining("not a regular expression");
        assertThatThrownBy(() -> KitConfig.builder().set(Setting.LEVEL, "mandatory").build(Map.of()))
                .hasMessageContaining("level is required, recommended or optional");
        assertThatThrownBy(() -> KitConfig.builder().build(Map.of()).target()).hasMessageContaining("no url configured");
    }

    @Test
    void systemPropertiesOverrideTheFileUnderTheSameNames(@TempDir Path directory) throws Exception {
        Path file = directory.resolve("kit.yaml");
        Files.writeString(file, "url: http://from-file:9200\nlevel: optional\nwithout: [legacy_prefix]\n");
        Properties properties = new Properties();
        properties.setProperty("anomalykit.config", file.toString());
        properties.setProperty("anomalykit.level", "required");
        properties.setProperty("anomalykit.without", "get_with_body,security");
        properties.setProperty("anomalykit.include", "^records\\.");
        KitConfig config = KitConfig.fromSystemProperties(properties, Map.of());
        assertThat(config.url()).isEqualTo("http://from-file:9200");
        assertThat(config.level()).isEqualTo(Level.REQUIRED);
        Target target = config.target().build();
        assertThat(target.supports(Capability.LEGACY_PREFIX)).as("the file's value stays").isFalse();
        assertThat(target.supports(Capability.GET_WITH_BODY)).isFalse();
        assertThat(target.supports(Capability.SECURITY)).isFalse();
        assertThat(config.selects(byId("records.desc.default-true"))).isTrue();
        assertThat(config.selects(byId("records.legacy-prefix"))).as("recommended").isFalse();
        assertThat(config.selects(byId("negative.unknown-job"))).as("not included").isFalse();
    }

    @Test
    void includeAndExcludeFindTheirPatternAnywhereInTheIdAsTheCliDoes() {
        KitConfig config = KitConfig.builder().set("include", "legacy").set("include", "^negative\\.unknown-job$")
                .set("exclude", "^example\\.").build(Map.of());
        assertThat(LIBRARY.cases().stream().filter(config::selects).map(Case::id))
                .containsExactly("negative.unknown-job", "records.legacy-prefix");
    }

    @Test
    void eachRunGetsAFreshSafePrefixUnlessOneIsGivenAndNoSeedUsesTheDocumentedNames() {
        String first = KitConfig.builder().build(Map.of()).scope().prefix();
        String second = KitConfig.builder().build(Map.of()).scope().prefix();
        assertThat(first).matches("anomalykit-[a-z0-9]{6}-").isNotEqualTo(second);
        assertThat(KitConfig.builder().build(Map.of()).scope().seeds()).isTrue();
        assertThat(KitConfig.builder().set(Setting.NO_SEED, "true").build(Map.of()).scope())
                .satisfies(scope -> assertThat(scope.prefix()).isEmpty())
                .satisfies(scope -> assertThat(scope.seeds()).isFalse());
        assertThat(KitConfig.builder().set(Setting.NO_SEED, "true").set(Setting.RUN_PREFIX, "loaded-").build(Map.of())
                .scope().prefix()).isEqualTo("loaded-");
        assertThat(KitConfig.builder().set(Setting.RUN_PREFIX, "").build(Map.of()).scope().prefix()).isEmpty();
        // Elasticsearch's job ids: lowercase letters, digits, '-' and '_', starting with a letter or digit.
        assertThatThrownBy(() -> KitConfig.builder().set(Setting.RUN_PREFIX, "Kit-").build(Map.of()))
                .hasMessageContaining("run-prefix [Kit-] must be lowercase letters, digits, '-' or '_'");
        assertThatThrownBy(() -> KitConfig.builder().set(Setting.RUN_PREFIX, "-kit").build(Map.of()))
                .hasMessageContaining("starting with a letter or digit");
    }

    @Test
    void theReferenceHasItsOwnConnectionSettingsUnderTheTargetsNames(@TempDir Path directory) throws Exception {
        Path ca = Files.writeString(directory.resolve("ca.pem"), "");
        Properties properties = new Properties();
        properties.setProperty("anomalykit.url", "http://target:9200");
        properties.setProperty("anomalykit.reference", "https://es:9200");
        properties.setProperty("anomalykit.reference-api-key-env", "ES_KEY");
        properties.setProperty("anomalykit.reference-ca-cert", ca.toString());
        properties.setProperty("anomalykit.exploration-size", "12");
        KitConfig config = KitConfig.fromSystemProperties(properties, Map.of("ES_KEY", "a2V5"));
        assertThat(config.differential()).isTrue();
        assertThat(config.explorationSize()).isEqualTo(12);
        assertThat(config.reference()).isNotNull();
        assertThat(Setting.REFERENCE_CA_CERT.description()).startsWith("as --ca-cert, for the reference: PEM file");
        assertThat(Setting.REFERENCE_USER.label()).isEqualTo(Setting.USER.label());
        assertThat(KitConfig.builder().build(Map.of()).explorationSize()).isEqualTo(KitConfig.DEFAULT_EXPLORATION_SIZE);

        assertThatThrownBy(() -> KitConfig.builder().set(Setting.REFERENCE_CA_CERT, ca.toString()).build(Map.of()))
                .hasMessageContaining("need reference");
        assertThatThrownBy(() -> KitConfig.builder().reference("http://es").set(Setting.REFERENCE_USER, "elastic")
                .build(Map.of())).hasMessageContaining("the reference's superuser: user needs password-env");
        assertThatThrownBy(() -> KitConfig.builder().set(Setting.RECORD, "golden").build(Map.of()))
                .hasMessageContaining("record writes the reference's answers");
        assertThatThrownBy(() -> KitConfig.builder().reference("http://es").set(Setting.REPLAY, "golden")
                .build(Map.of())).hasMessageContaining("replay and reference contradict");
    }
}
