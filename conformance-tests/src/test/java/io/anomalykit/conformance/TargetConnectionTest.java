package io.anomalykit.conformance;

import io.anomalykit.conformance.BreakingProxy.Breakage;
import io.anomalykit.conformance.BreakingProxy.Exchange;
import io.anomalykit.conformance.service.Credentials;
import io.anomalykit.conformance.service.Target;
import io.anomalykit.conformance.service.TargetClient;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A service mounted under a base path, behind a gateway that wants its own header on every request. */
class TargetConnectionTest {

    private static final String MOUNT = "/es";

    /** Serves the reference server under {@code /es} only: any other path goes nowhere. */
    private static final Breakage MOUNTED_UNDER_ES = new Breakage() {
        @Override
        public void request(Exchange e) {
            e.path = e.path.startsWith(MOUNT + "/") ? e.path.substring(MOUNT.length()) : "/not-mounted" + e.path;
        }
    };

    @Test
    void theKitRunsAgainstAServiceUnderABasePath() throws Exception {
        try (BreakingProxy gateway = new BreakingProxy(ReferenceServer.url(), MOUNTED_UNDER_ES)) {
            CliTest.Run run = CliTest.run("--url", gateway.url() + MOUNT + "/", "--user", "elastic", "--password-env",
                    "KIT_PASSWORD", "--include", "^example\\.mlGetRecords\\.", "--include", "^negative\\.unknown-job$");
            assertThat(run.exit()).as(run.out() + run.err()).isZero();
            assertThat(run.out()).contains("PASSED  [example.mlGetRecords.documented]")
                    .contains("PASSED  [negative.unknown-job]");
        }
    }

    @Test
    void extraHeadersGoWithEveryRequestAndACaseHeaderWins() {
        Target target = Target.at(ReferenceServer.url()).header("X-Opaque-Id", "kit-run").build();
        TargetClient client = new TargetClient(target);
        Credentials elastic = new Credentials.Basic(ReferenceServer.USER, ReferenceServer.PASSWORD);
        assertThat(client.send("GET", "/", null, null, elastic, Map.of()).header("X-Opaque-Id")).isEqualTo("kit-run");
        assertThat(client.send("GET", "/", null, null, elastic, Map.of("x-opaque-id", "case")).header("X-Opaque-Id"))
                .isEqualTo("case");
    }
}
