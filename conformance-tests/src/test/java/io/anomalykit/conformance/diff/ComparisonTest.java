package io.anomalykit.conformance.diff;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.cases.Case;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the comparison ignores (normalisation) and what it reports, with which cause. */
class ComparisonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Answer answer(int status, String body) throws Exception {
        return new Answer(status, Map.of("content-type", "application/json"), JSON.readTree(body));
    }

    private static List<String> causes(Answer reference, Answer target) {
        return Comparison.compare(reference, target).stream().map(Divergence::cause).toList();
    }

    @Test
    void generatedIdsTimesBuildFactsAndFloatRenderingsAreNormalisedAway() throws Exception {
        Answer reference = answer(200, """
                {"took":3,"name":"node-a","cluster_name":"a","cluster_uuid":"x1","tagline":"You Know, for Search",
                 "version":{"number":"8.19.2","build_hash":"abc"},
                 "id":"0b6f8f3e-8c1d-4b7e-9b0a-1c2d3e4f5a6b","score":41.2,"count":5}""");
        Answer target = answer(200, """
                {"took":17,"name":"node-b","cluster_name":"b","cluster_uuid":"y2","tagline":"You Know, for Search",
                 "version":{"number":"8.19.0","build_hash":"def"},
                 "id":"11111111-2222-4333-8444-555555555555","score":41.20000076293945,"count":5.0}""");
        assertThat(Comparison.compare(reference, target)).isEmpty();
    }

    @Test
    void arraysElasticsearchOrdersAreComparedInOrderOthersAsMultisets() throws Exception {
        assertThat(causes(answer(200, "{\"records\":[{\"s\":2},{\"s\":1}]}"),
                answer(200, "{\"records\":[{\"s\":1},{\"s\":2}]}")))
                .containsExactly("value differs at /records/[]/s", "value differs at /records/[]/s");
        assertThat(causes(answer(200, "{\"roles\":[\"a\",\"b\"]}"), answer(200, "{\"roles\":[\"b\",\"a\"]}")))
                .isEmpty();
    }

    @Test
    void eachDifferenceHasACauseWithoutWhatIsParticularToTheCase() throws Exception {
        Answer reference = answer(404, """
                {"error":{"type":"resource_not_found_exception","reason":"No known job with id 'a'",
                 "root_cause":[{"type":"resource_not_found_exception"}]},"status":404}""");
        Answer target = answer(400, """
                {"error":{"type":"illegal_argument_exception","reason":"No known job with id 'a'",
                 "root_cause":[{"type":"illegal_argument_exception"}]},"status":400,"extra":true}""");
        assertThat(causes(reference, target)).containsExactlyInAnyOrder("status 404 -> 400",
                "error.type resource_not_found_exception -> illegal_argument_exception", "value differs at /status",
                "extra field /extra");
        assertThat(causes(answer(200, "{\"records\":[{\"p\":1},{\"p\":2}]}"),
                answer(200, "{\"records\":[{},{}]}")))
                .containsExactly("missing field /records/[]/p", "missing field /records/[]/p");
        assertThat(causes(new Answer(200, Map.of("x-elastic-product", "Elasticsearch"), null),
                new Answer(200, Map.of(), null))).containsExactly("header x-elastic-product missing");
    }

    @Test
    void warningHeadersAreComparedWithoutTheServersVersionAndDate() {
        Answer reference = new Answer(200, Map.of("warning",
                "299 Elasticsearch-8.19.2-abcdef \"[sort] is deprecated\" \"Tue, 01 Dec 2026 09:00:00 GMT\""), null);
        Answer target = new Answer(200, Map.of("warning", "299 Elasticsearch-8.19.0-SNAPSHOT \"[sort] is deprecated\""),
                null);
        assertThat(Comparison.compare(reference, target)).isEmpty();
    }

    @Test
    void anAcceptedDifferenceNeedsItsReason(@org.junit.jupiter.api.io.TempDir Path directory) throws Exception {
        Path file = Files.writeString(directory.resolve("accepted.yaml"), "- cause: status 404 -> 400\n  reason: ours\n");
        assertThat(AcceptedDifferences.read(file).reason("status 404 -> 400")).contains("ours");
        Path noReason = Files.writeString(directory.resolve("bad.yaml"), "- cause: status 404 -> 400\n");
        assertThatThrownBy(() -> AcceptedDifferences.read(noReason)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a cause and a reason");
    }

    @Test
    void replayingAgainstAnotherMajorVersionWarns() {
        assertThat(Recording.majorVersionWarning("8.19.2", "9.1.0")).get().asString()
                .contains("recording was made against Elasticsearch 8.19.2", "9.1.0");
        assertThat(Recording.majorVersionWarning("8.19.2", "8.17.0")).isEmpty();
    }

    @Test
    void theExplorationSetIsDeterministicBySeedAndCoversBothPrefixesMethodsAndBadInputs() {
        CaseLibrary library = CaseLibrary.load();
        List<Case> first = Exploration.cases(library, 7, 200);
        assertThat(Exploration.cases(library, 7, 200)).isEqualTo(first);
        assertThat(Exploration.cases(library, 8, 200)).isNotEqualTo(first);
        assertThat(first).hasSize(200);
        assertThat(first).anyMatch(c -> c.request().path().startsWith("/_xpack/ml/"))
                .anyMatch(c -> c.request().path().startsWith("/_ml/"))
                .anyMatch(c -> c.request().method().equals("GET")).anyMatch(c -> c.request().method().equals("POST"))
                .anyMatch(c -> c.request().body() != null && c.request().body().has("page"))
                .anyMatch(c -> "10001".equals(c.request().query().get("size")))
                .anyMatch(c -> "no_such_field".equals(c.request().query().get("sort")))
                .anyMatch(c -> c.request().path().contains("/no-such-job-explored/"));
    }
}
