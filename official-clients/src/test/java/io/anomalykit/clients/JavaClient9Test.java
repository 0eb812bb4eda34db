package io.anomalykit.clients;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.InfoResponse;
import co.elastic.clients.elasticsearch.ml.Anomaly;
import co.elastic.clients.elasticsearch.ml.GetInfluencersResponse;
import co.elastic.clients.elasticsearch.ml.GetRecordsResponse;
import co.elastic.clients.elasticsearch.ml.Influencer;
import co.elastic.clients.util.DateTime;
import io.anomalykit.server.http.EmulatedVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official Java client 9.x (it sends {@code compatible-with=9}) against the server in 9 mode. Its 8.x sibling is
 * server-vertx's {@code ElasticsearchClientTest}; the two clients share package names, hence this module.
 */
class JavaClient9Test {

    private static ClientTarget target;
    private static ElasticsearchClient client;

    @BeforeAll
    static void start() {
        target = ClientTarget.start(EmulatedVersion.V9);
        client = ElasticsearchClient.of(config -> config.host(target.url())
                .usernameAndPassword(ClientTarget.USER, ClientTarget.PASSWORD));
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        target.close();
    }

    @Test
    void infoReportsANineVersion() throws Exception {
        InfoResponse info = client.info();
        assertThat(info.version().number()).startsWith("9.");
        assertThat(info.version().luceneVersion()).startsWith("10.");
        assertThat(info.tagline()).isEqualTo("You Know, for Search");
    }

    @Test
    void recordsWithTheDefaults() throws Exception {
        GetRecordsResponse response = client.ml().getRecords(r -> r.jobId("it-ops-kpi"));
        assertThat(response.count()).isEqualTo(16);
        assertThat(response.records()).hasSize(16);
        assertThat(response.records().get(0).recordScore()).isEqualTo(88.4013);
    }

    @Test
    void recordsWithOptions() throws Exception {
        GetRecordsResponse response = client.ml().getRecords(r -> r.jobId("it-ops-kpi").sort("record_score").desc(true)
                .start(DateTime.of("1454944100000")).page(p -> p.size(2)));
        assertThat(response.count()).isEqualTo(12);
        assertThat(response.records()).hasSize(2);
        Anomaly top = response.records().get(0);
        assertThat(top.recordScore()).isEqualTo(72.9929);
        assertThat(top.timestamp()).isEqualTo(1454944200000L);
        assertThat(top.function()).isEqualTo("low_sum");
        assertThat(top.actual()).isEqualTo(List.of(288.0));
    }

    @Test
    void influencersWithTheDefaultsAndWithAPage() throws Exception {
        GetInfluencersResponse all = client.ml().getInfluencers(r -> r.jobId("it_ops_new_kpi"));
        assertThat(all.count()).isEqualTo(28);
        Influencer top = all.influencers().get(0);
        assertThat(top.influencerFieldName()).isEqualTo("kpi_indicator");
        assertThat(top.influencerFieldValue()).isEqualTo("online_purchases");
        assertThat(top.influencerScore()).isEqualTo(94.1386);

        GetInfluencersResponse page = client.ml().getInfluencers(r -> r.jobId("it_ops_new_kpi").page(p -> p.from(1).size(3)));
        assertThat(page.count()).isEqualTo(28);
        assertThat(page.influencers()).hasSize(3);
        assertThat(page.influencers().get(0).influencerScore()).isLessThanOrEqualTo(94.1386);
    }

    @Test
    void anUnknownJobIsTheClientsElasticsearchException() {
        assertThatThrownBy(() -> client.ml().getRecords(r -> r.jobId("no-such-job")))
                .isInstanceOfSatisfying(ElasticsearchException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.error().type()).isEqualTo("resource_not_found_exception");
                    assertThat(e.error().reason()).isEqualTo("No known job with id 'no-such-job'");
                });
    }
}
