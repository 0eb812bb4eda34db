package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.TestServer.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Elasticsearch's own influencers suite (x-pack ml/jobs_get_result_influencers.yml) relies on, in our own test:
 * influencers indexed one by one through {@code _doc} into the job's results alias, with ISO-8601 timestamps, are read
 * back by the get-influencers API as epoch milliseconds, highest score first, and every filter the API has applies to
 * them (GetInfluencersAction.Request, InfluencersQueryBuilder). Reads use GET here; the upstream runner sends POST.
 */
class ResultsWrittenAsDocumentsHttpTest {

    private static final String JOB = "written-as-documents";
    private static final String API = "/_ml/anomaly_detectors/" + JOB + "/results/influencers";
    private static final long JUNE_1 = 1464739200000L;
    private static final long JUNE_2 = 1464825600000L;
    private static final long JUNE_3 = 1464912000000L;
    private static TestServer server;

    @BeforeAll
    static void writeThreeInfluencers() {
        server = TestServer.empty();
        assertThat(server.send("PUT", "/_ml/anomaly_detectors/" + JOB, "{\"analysis_config\":{\"detectors\":[{\"function\":"
                + "\"metric\",\"field_name\":\"responsetime\",\"by_field_name\":\"airline\"}]},\"data_description\":"
                + "{\"format\":\"xcontent\",\"time_field\":\"time\"}}").status()).isEqualTo(200);
        index(1, "2016-06-01T00:00:00Z", "bar", 50.0, false);
        index(2, "2016-06-02T00:00:00Z", "zoo", 80.0, true);
        index(3, "2016-06-03T00:00:00Z", "zoo", 60.0, false);
        assertThat(server.send("POST", "/.ml-anomalies-" + JOB + "/_refresh", null).status()).isEqualTo(200);
    }

    private static void index(int n, String timestamp, String value, double score, boolean interim) {
        Answer written = server.send("PUT", "/.ml-anomalies-" + JOB + "/_doc/" + JOB + "_" + n, "{\"job_id\":\"" + JOB
                + "\",\"timestamp\":\"" + timestamp + "\",\"influencer_field_name\":\"foo\",\"influencer_field_value\":\""
                + value + "\",\"influencer_score\":" + score + ",\"result_type\":\"influencer\",\"bucket_span\":1"
                + ",\"is_interim\":" + interim + "}");
        assertThat(written.status()).as(written.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The answer's count and each influencer as [score, timestamp]. */
    private static Page page(Answer answer) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        JsonNode body = answer.json();
        List<List<Number>> hits = new ArrayList<>();
        body.path("influencers").forEach(hit -> hits.add(List.of(hit.path("influencer_score").asDouble(),
                hit.path("timestamp").asLong())));
        return new Page(body.path("count").asLong(), hits);
    }

    private record Page(long count, List<List<Number>> hits) {
    }

    @Test
    void isoTimestampsComeBackAsEpochMillisHighestScoreFirst() {
        assertThat(page(server.get(API))).isEqualTo(new Page(3, List.of(List.of(80.0, JUNE_2), List.of(60.0, JUNE_3),
                List.of(50.0, JUNE_1))));
    }

    @Test
    void pagingCountsEveryMatchAndSkipsTheFirstWhetherInTheQueryOrTheBody() {
        Page expected = new Page(3, List.of(List.of(60.0, JUNE_3), List.of(50.0, JUNE_1)));
        assertThat(page(server.get(API + "?from=1&size=2"))).isEqualTo(expected);
        assertThat(page(server.send("GET", API, "{\"page\":{\"from\":1,\"size\":2}}"))).isEqualTo(expected);
    }

    @Test
    void excludeInterimDropsTheInterimInfluencerOnly() {
        assertThat(page(server.get(API + "?exclude_interim=false")).count()).isEqualTo(3);
        Answer finalOnly = server.get(API + "?exclude_interim=true");
        assertThat(page(finalOnly)).isEqualTo(new Page(2, List.of(List.of(60.0, JUNE_3), List.of(50.0, JUNE_1))));
        finalOnly.json().path("influencers").forEach(hit -> assertThat(hit.path("is_interim").asBoolean()).isFalse());
    }

    @Test
    void anHourLongWindowHoldsTheInfluencerAtItsStart() {
        assertThat(page(server.get(API + "?start=2016-06-01T00:00:00Z&end=2016-06-01T01:00:00Z")))
                .isEqualTo(new Page(1, List.of(List.of(50.0, JUNE_1))));
    }

    @Test
    void theScoreThresholdKeepsOnlyHigherInfluencers() {
        assertThat(page(server.get(API + "?influencer_score=70"))).isEqualTo(new Page(1, List.of(List.of(80.0, JUNE_2))));
    }

    @Test
    void ascendingOrderAndTimestampSortFollowTheParameters() {
        assertThat(page(server.get(API + "?desc=false")).hits()).extracting(hit -> hit.get(0))
                .containsExactly(50.0, 60.0, 80.0);
        assertThat(page(server.get(API + "?sort=timestamp")).hits()).extracting(hit -> hit.get(1))
                .containsExactly(JUNE_3, JUNE_2, JUNE_1);
    }

    @Test
    void anUnknownJobIsMissing() {
        Answer missing = server.get("/_ml/anomaly_detectors/non-existent-job/results/influencers");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorType()).isEqualTo("resource_not_found_exception");
        assertThat(missing.errorReason()).isEqualTo("No known job with id 'non-existent-job'");
    }
}
