package io.anomalykit.server.security;

import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failed-login throttling by source address (anomalykit's own: Elasticsearch has none, so it is off by default). A
 * throttled address gets the same 401 a wrong password gets, at once; other addresses and API keys are not affected.
 */
class LoginThrottleTest {

    @TempDir
    Path dir;

    /** One request from a given loopback address (Linux answers for all of 127/8). */
    private static String send(int port, String from, String authorization) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET /_security/_authenticate HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Authorization: " + authorization + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anAddressPastItsFailedLoginsIsRefusedWithoutACheckWhileOthersAreServed() throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("users"), "alice:" + Security.hash("alice-pw") + "\nbob:"
                + Security.hash("bob-pw") + "\n");
        Files.writeString(config.resolve("users_roles"), "superuser:alice,bob\n");
        AnomalyServer server = AnomalyServer.builder().port(0).dataDirectory(dir.resolve("data"))
                .security(new SecuritySettings(true, config, TestServer.ELASTIC_PASSWORD, true))
                .loginThrottleAttempts(3).loginThrottleWindow(Duration.ofMinutes(10)).start()
                .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        String attacker = "127.0.0.1";
        String other = "127.0.0.2";
        try {
            assertThat(send(server.port(), attacker, TestServer.basic("alice", "alice-pw"))).startsWith("HTTP/1.1 200");
            // Three failures: a wrong password, an unknown user, a wrong password for the reserved user.
            for (String authorization : new String[] {TestServer.basic("alice", "guess"), TestServer.basic("nobody", "x"),
                    TestServer.basic("elastic", "guess")}) {
                assertThat(send(server.port(), attacker, authorization)).startsWith("HTTP/1.1 401");
            }
            // Now even correct passwords from that address get a wrong password's answer: bob's was never checked
            // (it would be 200 if it were), alice's is verified before but would be a fast oracle for guesses.
            String refused = send(server.port(), attacker, TestServer.basic("bob", "bob-pw"));
            assertThat(refused).startsWith("HTTP/1.1 401").contains("WWW-Authenticate")
                    .contains("\"type\":\"security_exception\"")
                    .contains("unable to authenticate user [bob] for REST request [/_security/_authenticate]");
            assertThat(send(server.port(), attacker, TestServer.basic("alice", "alice-pw"))).startsWith("HTTP/1.1 401");
            assertThat(send(server.port(), attacker, TestServer.SUPERUSER_AUTHORIZATION)).startsWith("HTTP/1.1 401");
            // Another address is served.
            assertThat(send(server.port(), other, TestServer.basic("bob", "bob-pw"))).startsWith("HTTP/1.1 200");
            assertThat(send(server.port(), other, TestServer.basic("alice", "alice-pw"))).startsWith("HTTP/1.1 200");
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void offByDefaultAsElasticsearchHasNoThrottle() throws Exception {
        AnomalyServer server = AnomalyServer.builder().port(0).dataDirectory(dir.resolve("data"))
                .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(send(server.port(), "127.0.0.1", TestServer.basic("elastic", "guess-" + i)))
                        .startsWith("HTTP/1.1 401");
            }
            assertThat(send(server.port(), "127.0.0.1", TestServer.SUPERUSER_AUTHORIZATION)).startsWith("HTTP/1.1 200");
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void failuresAreForgottenWhenTheWindowEnds() {
        AtomicLong now = new AtomicLong();
        LoginThrottle throttle = new LoginThrottle(2, Duration.ofSeconds(10), now::get);
        LoginThrottle.Source from = throttle.from("10.0.0.1");
        from.failed();
        assertThat(from.throttled()).isFalse();
        from.failed();
        assertThat(from.throttled()).isTrue();
        now.set(Duration.ofSeconds(9).toNanos());
        assertThat(from.throttled()).isTrue();
        now.set(Duration.ofSeconds(10).toNanos());
        assertThat(from.throttled()).isFalse();
        from.failed();
        assertThat(from.throttled()).isFalse();
    }

    @Test
    void trackedAddressesAreCapped() {
        LoginThrottle throttle = new LoginThrottle(1, Duration.ofMinutes(1));
        for (int i = 0; i < LoginThrottle.MAX_ADDRESSES + 500; i++) {
            throttle.from("addr-" + i).failed();
        }
        assertThat(throttle.tracked()).isEqualTo(LoginThrottle.MAX_ADDRESSES);
        // The least recently failed were forgotten, the latest are still throttled.
        assertThat(throttle.from("addr-0").throttled()).isFalse();
        assertThat(throttle.from("addr-" + (LoginThrottle.MAX_ADDRESSES + 499)).throttled()).isTrue();
        assertThat(LoginThrottle.OFF.from("addr-1").throttled()).isFalse();
    }
}
