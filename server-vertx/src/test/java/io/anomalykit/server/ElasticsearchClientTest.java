package io.anomalykit.server;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.ml.Anomaly;
import co.elastic.clients.elasticsearch.ml.GetInfluencersResponse;
import co.elastic.clients.elasticsearch.ml.GetRecordsResponse;
import co.elastic.clients.elasticsearch.ml.Influencer;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import co.elastic.clients.util.DateTime;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official Elasticsearch Java client, pointed at the reference server, gets the documented answers. */
class ElasticsearchClientTest {

    private static TestServer server;
    private static RestClient restClient;
    private static ElasticsearchClient client;

    @BeforeAll
    static void start() {
        server = TestServer.withDemoData();
        restClient = RestClient.builder(HttpHost.create(server.baseUrl())).setDefaultHeaders(new org.apache.http.Header[] {
                new BasicHeader("Authorization", TestServer.SUPERUSER_AUTHORIZATION)}).build();
        client = new ElasticsearchClient(new RestClientTransport(restClient, new JacksonJsonpMapper()));
    }

    @AfterAll
    static void stop() throws IOException {
        restClient.close();
        server.close();
    }

    @Test
    void getRecordsReturnsTheDocumentedRecords() throws IOException {
        GetRecordsResponse response = client.ml().getRecords(r -> r.jobId("it-ops-kpi").sort("record_score").desc(true)
                .start(DateTime.of("1454944100000")));
        assertThat(response.count()).isEqualTo(12);
        Anomaly top = response.records().get(0);
        assertThat(top.jobId()).isEqualTo("it-ops-kpi");
        assertThat(top.resultType()).isEqualTo("record");
        assertThat(top.probability()).isEqualTo(0.00000332668);
        assertThat(top.recordScore()).isEqualTo(72.9929);
        assertThat(top.initialRecordScore()).isEqualTo(65.7923);
        assertThat(top.bucketSpan()).isEqualTo(300);
        assertThat(top.detectorIndex()).isZero();
        assertThat(top.isInterim()).isFalse();
        assertThat(top.timestamp()).isEqualTo(1454944200000L);
        assertThat(top.function()).isEqualTo("low_sum");
        assertThat(top.functionDescription()).isEqualTo("sum");
        assertThat(top.typical()).isEqualTo(List.of(1806.48));
        assertThat(top.actual()).isEqualTo(List.of(288.0));
        assertThat(top.fieldName()).isEqualTo("events_per_min");
    }

    /**
     * The documented request asks for {@code sort=influencer_score, desc=true}, which are Elasticsearch's defaults. The
     * client would send them in the query string next to a body, which Elasticsearch rejects (see below), so the
     * faithful client call leaves them to the defaults.
     */
    @Test
    void getInfluencersReturnsTheDocumentedInfluencers() throws IOException {
        GetInfluencersResponse response = client.ml().getInfluencers(r -> r.jobId("it_ops_new_kpi"));
        assertThat(response.count()).isEqualTo(28);
        Influencer top = response.influencers().get(0);
        assertThat(top.jobId()).isEqualTo("it_ops_new_kpi");
        assertThat(top.resultType()).isEqualTo("influencer");
        assertThat(top.influencerFieldName()).isEqualTo("kpi_indicator");
        assertThat(top.influencerFieldValue()).isEqualTo("online_purchases");
        assertThat(top.influencerScore()).isEqualTo(94.1386);
        assertThat(top.initialInfluencerScore()).isEqualTo(94.1386);
        assertThat(top.probability()).isEqualTo(0.000111612);
        assertThat(top.bucketSpan()).isEqualTo(600);
        assertThat(top.isInterim()).isFalse();
        assertThat(top.timestamp()).isEqualTo(1454943600000L);
    }

    /**
     * Elasticsearch's influencers handler reads only {@code start} and {@code end} from the query string when a body is
     * present; the client always sends a body, so its query-string {@code sort} and {@code desc} are unrecognized.
     */
    @Test
    void clientSortParametersForInfluencersAreRejectedAsElasticsearchRejectsThem() {
        assertThatThrownBy(() -> client.ml().getInfluencers(r -> r.jobId("it_ops_new_kpi").sort("influencer_score")
                .desc(true)))
                .isInstanceOfSatisfying(ElasticsearchException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.error().reason()).contains("contains unrecognized parameters: [desc], [sort]");
                });
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
