package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link SecurityStore} must do, whatever it is built on. An implementation extends this class and says how
 * to open a store over a location; the location survives a close so reopening shows what was kept.
 */
public abstract class SecurityStoreContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    protected Path location;
    protected Vertx vertx;
    protected SecurityStore store;

    /** Opens the store kept at {@code location}. */
    protected abstract Future<SecurityStore> open(Vertx vertx, Path location);

    @BeforeEach
    void openStore() {
        vertx = Vertx.vertx();
        store = ResultsStoreContract.await(open(vertx, location));
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            ResultsStoreContract.await(store.close());
        }
        ResultsStoreContract.await(vertx.close());
    }

    @Test
    void securityObjectsAreKeptDurablyAndDeleted() {
        await(store.put("user", "alice", JSON.createObjectNode().put("username", "alice")));
        await(store.put("user", "bob", JSON.createObjectNode().put("username", "bob")));
        await(store.put("role", "alice", JSON.createObjectNode().put("kind", "a role")));
        reopen();
        assertThat(await(store.objects("user")).keySet()).containsExactly("alice", "bob");
        assertThat(await(store.objects("role")).get("alice").get("kind").asText()).isEqualTo("a role");
        assertThat(await(store.delete("user", "alice"))).isTrue();
        assertThat(await(store.delete("user", "alice"))).isFalse();
        assertThat(await(store.objects("user")).keySet()).containsExactly("bob");
    }

    @Test
    void puttingAnObjectAgainReplacesIt() {
        await(store.put("api_key", "k1", JSON.createObjectNode().put("name", "first")));
        await(store.put("api_key", "k1", JSON.createObjectNode().put("name", "second")));
        assertThat(await(store.objects("api_key"))).hasSize(1);
        assertThat(await(store.objects("api_key")).get("k1").get("name").asText()).isEqualTo("second");
        assertThat(await(store.objects("user"))).as("kinds are kept apart").isEmpty();
    }

    private static <T> T await(Future<T> future) {
        return ResultsStoreContract.await(future);
    }

    private void reopen() {
        await(store.close());
        store = await(open(vertx, location));
    }
}
