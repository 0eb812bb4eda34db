package io.anomalykit.conformance;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.conformance.BreakingProxy.Breakage;
import io.anomalykit.conformance.BreakingProxy.Exchange;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.check.BodyFormats;
import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.config.Setting;
import io.anomalykit.conformance.junit.Conformance;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.JobIds;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.Cleanup;
import io.anomalykit.conformance.service.Credentials;
import io.anomalykit.conformance.service.Target;
import io.anomalykit.model.AnomalyRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kit is tested like a product: against implementations broken on purpose, one rule each, it must fail, and fail
 * by the rule that was broken.
 */
class BrokenVariantsTest {

    private static final CaseLibrary LIBRARY = CaseLibrary.load();
    /** A record's named fields, as the contract's generated model lists them: everything but the dynamic keys. */
    private static final Set<String> RECORD_FIELDS = Set.of(AnomalyRecord.class.getAnnotation(JsonPropertyOrder.class).value());
    private static final Set<String> KNOWN_PARAMETERS = Set.of("desc", "start", "end", "exclude_interim", "from", "size",
            "record_score", "influencer_score", "sort", "pretty", "human", "error_trace", "filter_path", "refresh", "force");

    /** A broken implementation and the rule that must catch it. */
    record Variant(String name, String caughtBy, Breakage breakage) {
        @Override
        public String toString() {
            return name + " -> " + caughtBy;
        }
    }

    private static Map<String, Credentials> personas;
    /** The names this class seeds under, straight into the reference server, and the broken runs read. */
    private static final String PREFIX = "anomalykit-broken-";

    @BeforeAll
    static void seedOnce() {
        // The default seeder: Elasticsearch's own job, _bulk and security APIs. What it creates stays for the JVM's
        // life (the server's too), so its cleanup is never run.
        Target reference = ReferenceServer.target(ReferenceServer.url()).build();
        JobIds jobIds = new JobIds(PREFIX, LIBRARY.jobIds());
        Cleanup kept = new Cleanup();
        for (String dataset : List.of(CaseLibrary.DOCUMENTED_DATASET, "edges", CaseLibrary.GENERATED_DATASET)) {
            reference.seeder().seed(reference, jobIds.rename(LIBRARY.dataset(dataset)), kept);
        }
        personas = reference.seeder().personas(reference, PREFIX, kept);
    }

    /** A server that reads an empty boolean parameter as false: two rules must each catch it. */
    private static final Breakage EMPTY_BOOLEAN_IS_FALSE = new Breakage() {
        @Override
        public void request(Exchange e) {
            e.query.replaceAll((name, value) -> value.isEmpty() ? "false" : value);
        }
    };

    static Stream<Variant> variants() {
        return Stream.of(
                new Variant("desc defaults to false", "records.desc.default-true", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        if (e.isResults()) {
                            ObjectNode body = (ObjectNode) e.bodyJson();
                            if (body == null) {
                                e.query.putIfAbsent("desc", "false");
                            } else if (!body.has("desc")) {
                                e.body = body.put("desc", false).toString();
                            }
                        }
                    }
                }),
                new Variant("score threshold is exclusive", "records.threshold.inclusive", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        String threshold = e.query.get("record_score");
                        if (threshold != null && e.status == 200) {
                            ObjectNode answer = (ObjectNode) e.answerJson();
                            ArrayNode records = (ArrayNode) answer.get("records");
                            int before = records.size();
                            for (Iterator<JsonNode> it = records.iterator(); it.hasNext(); ) {
                                if (it.next().get("record_score").asDouble() == Double.parseDouble(threshold)) {
                                    it.remove();
                                }
                            }
                            answer.put("count", answer.get("count").asLong() - (before - records.size()));
                            e.answer = answer.toString();
                        }
                    }
                }),
                new Variant("count is the page length", "records.count.is-total", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        ObjectNode answer = results(e);
                        if (answer != null) {
                            answer.put("count", answer.path(arrayOf(answer)).size());
                            e.answer = answer.toString();
                        }
                    }
                }),
                new Variant("dynamic keys dropped", "records.dynamic-keys", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        ObjectNode answer = results(e);
                        if (answer != null && answer.has("records")) {
                            answer.get("records").forEach(r -> ((ObjectNode) r).retain(RECORD_FIELDS));
                            e.answer = answer.toString();
                        }
                    }
                }),
                new Variant("no product header", "protocol.product-header-on-success", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        e.headers.remove("X-elastic-product");
                    }
                }),
                new Variant("HTML for unknown routes", "negative.unknown-route", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if (e.answer != null && e.answer.contains("no handler found")) {
                            e.status = 404;
                            e.headers.put("Content-Type", "text/html");
                            e.answer = "<html><body><h1>Resource not found</h1></body></html>";
                        }
                    }
                }),
                new Variant("200 where 403 is due", "authorization.records.get.no-privileges", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if (e.status == 403) {
                            e.status = 200;
                            e.headers.put("X-elastic-product", "Elasticsearch");
                            e.answer = "{\"count\":0,\"records\":[]}";
                        }
                    }
                }),
                new Variant("200 for unknown jobs", "negative.unknown-job", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if (e.status == 404 && e.isResults()) {
                            e.status = 200;
                            e.answer = "{\"count\":0,\"records\":[]}";
                        }
                    }
                }),
                new Variant("unstable order of ties", "records.sort.ties-secondary", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        ObjectNode answer = results(e);
                        if (answer != null && answer.has("records")) {
                            List<JsonNode> records = new ArrayList<>();
                            answer.get("records").forEach(records::add);
                            for (int i = 1; i < records.size(); i++) {
                                if (records.get(i).get("record_score").equals(records.get(i - 1).get("record_score"))) {
                                    JsonNode swap = records.get(i);
                                    records.set(i, records.get(i - 1));
                                    records.set(i - 1, swap);
                                }
                            }
                            answer.putArray("records").addAll(records);
                            e.answer = answer.toString();
                        }
                    }
                }),
                new Variant("interim not excluded", "records.interim.excluded", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        e.query.remove("exclude_interim");
                        removeFromBody(e, "exclude_interim");
                    }
                }),
                new Variant("body paging ignored", "records.paging.body", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        removeFromBody(e, "page");
                    }
                }),
                new Variant("start is exclusive", "records.window.start-inclusive", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        e.query.computeIfPresent("start", (k, v) -> v.matches("\\d+") ? String.valueOf(Long.parseLong(v) + 1) : v);
                    }
                }),
                new Variant("end is inclusive", "records.window.end-exclusive", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        e.query.computeIfPresent("end", (k, v) -> v.matches("\\d+") ? String.valueOf(Long.parseLong(v) + 1) : v);
                    }
                }),
                new Variant("unknown parameters accepted", "negative.unknown-query-parameter", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        e.query.keySet().retainAll(KNOWN_PARAMETERS);
                    }
                }),
                new Variant("wrong error type", "negative.size-not-a-number", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if (e.answer != null) {
                            e.answer = e.answer.replace("\"illegal_argument_exception\"", "\"bad_request_exception\"");
                        }
                    }
                }),
                new Variant("timestamps as ISO strings", "example.mlPostRecords.documented", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        ObjectNode answer = results(e);
                        if (answer != null) {
                            answer.path(arrayOf(answer)).forEach(r -> ((ObjectNode) r).put("timestamp",
                                    Instant.ofEpochMilli(r.get("timestamp").asLong()).toString()));
                            e.answer = answer.toString();
                        }
                    }
                }),
                new Variant("no legacy prefix", "example.xpackPostRecords.documented", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        if (e.path.startsWith("/_xpack/")) {
                            e.path = "/_gone" + e.path;
                        }
                    }
                }),
                new Variant("query options accepted beside a body", "negative.query-parameter-with-body", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        if (e.isResults() && e.body != null) {
                            e.query.clear();
                        }
                    }
                }),
                new Variant("influencers honour query dates beside a body", "influencers.body-ignores-query-dates",
                        new Breakage() {
                            @Override
                            public void request(Exchange e) {
                                ObjectNode body = (ObjectNode) e.bodyJson();
                                if (e.path.endsWith("/influencers") && body != null && e.query.containsKey("start")) {
                                    e.body = body.put("start", e.query.remove("start")).toString();
                                    e.query.remove("end");
                                }
                            }
                        }),
                new Variant("multi-valued fields sort by their first value", "edges.sort.multi-valued-desc", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        ObjectNode answer = results(e);
                        if (answer != null && "actual".equals(e.query.get("sort")) && !e.query.containsKey("desc")) {
                            List<JsonNode> records = new ArrayList<>();
                            answer.get("records").forEach(records::add);
                            records.sort((a, b) -> Double.compare(b.at("/actual/0").asDouble(), a.at("/actual/0").asDouble()));
                            answer.putArray("records").addAll(records);
                            e.answer = answer.toString();
                        }
                    }
                }),
                new Variant("unknown stored fields echoed", "edges.render.elasticsearch-form", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        ObjectNode answer = results(e);
                        if (answer != null && answer.has("records")) {
                            answer.get("records").forEach(r -> ((ObjectNode) r).put("junk", "dropped"));
                            e.answer = answer.toString();
                        }
                    }
                }),
                new Variant("answers JSON whatever format was asked", "formats.yaml.format-parameter", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        String format = BodyFormats.ofContentType(e.headers.get("Content-Type"));
                        if (!format.equals("json")) {
                            try {
                                e.answer = BodyFormats.decode(e.headers.get("Content-Type"),
                                        e.answer.getBytes(BreakingProxy.charset(e.headers.get("Content-Type")))).toString();
                            } catch (java.io.IOException unreadable) {
                                throw new java.io.UncheckedIOException(unreadable);
                            }
                            e.headers.put("Content-Type", "application/json");
                        }
                    }
                }),
                new Variant("refuses YAML bodies", "formats.yaml.request-body", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        String type = e.requestHeaders.get("Content-Type");
                        if (e.body != null && type != null && type.contains("yaml")) {
                            e.status = 406;
                            e.headers.put("Content-Type", "application/json");
                            e.answer = "{\"error\":\"Content-Type header [" + type + "] is not supported\",\"status\":406}";
                        }
                    }
                }),
                new Variant("a media range in Accept is refused", "rest.accept-media-range", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if (e.requestHeaders.getOrDefault("Accept", "").contains(",")) {
                            e.status = 400;
                            e.answer = "{\"error\":{\"root_cause\":[{\"type\":\"media_type_header_exception\","
                                    + "\"reason\":\"Invalid media-type value on headers [Accept]\"}],"
                                    + "\"type\":\"media_type_header_exception\","
                                    + "\"reason\":\"Invalid media-type value on headers [Accept]\"},\"status\":400}";
                        }
                    }
                }),
                new Variant("an empty boolean means its default", "rest.empty-boolean-is-true", EMPTY_BOOLEAN_IS_FALSE),
                new Variant("an empty exclude_interim means false", "rest.empty-exclude-interim-is-true",
                        EMPTY_BOOLEAN_IS_FALSE),
                new Variant("a multipart body is ignored", "rest.form-body-406", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        if (e.requestHeaders.getOrDefault("Content-Type", "").startsWith("multipart/")) {
                            e.body = null;
                        }
                    }
                }),
                new Variant("filter_path filters errors", "rest.filter-path-not-on-errors", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if (e.status >= 400 && e.query.containsKey("filter_path")) {
                            e.answer = "{}";
                        }
                    }
                }),
                new Variant("pretty is lenient", "rest.pretty-strict-boolean", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        e.query.replace("pretty", "yes", "true");
                    }
                }),
                new Variant("error_trace errors as objects", "rest.error-trace-strict-boolean", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if ("yes".equals(e.query.get("error_trace")) && e.status == 400) {
                            e.answer = "{\"error\":{\"root_cause\":[],\"type\":\"illegal_argument_exception\",\"reason\":\"x\"},"
                                    + "\"status\":400}";
                        }
                    }
                }),
                new Variant("no X-Opaque-Id on errors", "rest.opaque-id-echoed-on-errors", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if (e.status >= 400) {
                            e.headers.keySet().removeIf(name -> name.equalsIgnoreCase("X-Opaque-Id"));
                        }
                    }
                }),
                new Variant("the source parameter is ignored", "rest.source-parameter", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        e.query.remove("source");
                        e.query.remove("source_content_type");
                    }
                }),
                new Variant("search failures without failed_shards", "rest.search-failure-shape", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        JsonNode answer = e.answerJson();
                        if (answer != null && answer.path("error").path("type").asText().equals("search_phase_execution_exception")) {
                            ((ObjectNode) answer.get("error")).remove(List.of("phase", "grouped", "failed_shards"));
                            e.answer = answer.toString();
                        }
                    }
                }),
                new Variant("search failures without caused_by", "rest.search-failure-java-cause", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        JsonNode answer = e.answerJson();
                        if (answer != null && answer.path("error").path("type").asText().equals("search_phase_execution_exception")) {
                            ((ObjectNode) answer.get("error")).remove("caused_by");
                            e.answer = answer.toString();
                        }
                    }
                }),
                new Variant("the outermost error is the root cause", "rest.body-error-innermost-root-cause", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        JsonNode answer = e.answerJson();
                        if (answer != null && answer.path("error").has("root_cause")) {
                            ObjectNode error = (ObjectNode) answer.get("error");
                            ObjectNode outer = error.objectNode().put("type", error.path("type").asText())
                                    .put("reason", error.path("reason").asText());
                            error.putArray("root_cause").add(outer);
                            e.answer = answer.toString();
                        }
                    }
                }),
                new Variant("no suggestion of response parameters", "rest.did-you-mean-response-parameter", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if (e.answer != null && e.answer.contains(" -> did you mean [pretty]?")) {
                            e.answer = e.answer.replace(" -> did you mean [pretty]?", "");
                        }
                    }
                }),
                new Variant("a job_id query parameter is unrecognized", "rest.job-id-parameter-consumed", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        if (e.query.containsKey("job_id")) {
                            e.query.put("job_idd", e.query.remove("job_id"));
                        }
                    }
                }),
                new Variant("an empty date is an unparseable date", "rest.empty-date", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if (e.answer != null && e.answer.contains("cannot parse empty datetime")) {
                            e.answer = e.answer.replace("cannot parse empty datetime",
                                    "failed to parse date field [] with format [strict_date_optional_time||epoch_millis]");
                        }
                    }
                }),
                new Variant("if_seq_no ignored in _bulk", "supporting.bulk.if-seq-no-on-a-missing-document", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        // As if the condition had not been read: the item is written (the answer only, so the
                        // reference server behind the proxy keeps nothing).
                        if (e.path.endsWith("/_bulk") && e.status == 200 && e.answer.contains("version_conflict_engine_exception")) {
                            e.answer = "{\"took\":1,\"errors\":false,\"items\":[{\"index\":{\"_index\":"
                                    + "\".ml-anomalies-shared\",\"_id\":\"it-ops-kpi-never-written\",\"_version\":1,"
                                    + "\"result\":\"created\",\"_shards\":{\"total\":1,\"successful\":1,\"failed\":0},"
                                    + "\"_seq_no\":0,\"_primary_term\":1,\"status\":201}}]}";
                        }
                    }
                }),
                new Variant("a wildcard matching no job is a 404", "supporting.jobs.wildcard-matching-nothing", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        if (e.path.startsWith("/_ml/anomaly_detectors/") && e.path.contains("*") && e.status == 200
                                && e.answer.startsWith("{\"count\":0")) {
                            e.status = 404;
                            e.answer = "{\"error\":{\"root_cause\":[{\"type\":\"resource_not_found_exception\","
                                    + "\"reason\":\"No known job with id 'x'\"}],\"type\":\"resource_not_found_exception\","
                                    + "\"reason\":\"No known job with id 'x'\"},\"status\":404}";
                        }
                    }
                }),
                new Variant("any REST API version accepted", "compatibility.version-6-refused", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        e.requestHeaders.replaceAll((name, value) -> value.replace("compatible-with=6", "compatible-with=8"));
                    }
                }),
                new Variant("REST API version 7 refused", "compatibility.rest-api-7", new Breakage() {
                    @Override
                    public void request(Exchange e) {
                        e.requestHeaders.replaceAll((name, value) -> value.replace("compatible-with=7", "compatible-with=6"));
                    }
                }),
                new Variant("the asked-for version not echoed", "compatibility.accept-version-8", new Breakage() {
                    @Override
                    public void answer(Exchange e) {
                        e.headers.computeIfPresent("Content-Type", (name, value) -> value.startsWith(
                                "application/vnd.elasticsearch+json") ? "application/json" : value);
                    }
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void theKitCatchesTheBrokenRule(Variant variant) throws Exception {
        assertThat(failedRules(variant.breakage())).as("rules failed by the variant '%s'", variant.name())
                .contains(variant.caughtBy());
    }

    @Test
    void theGeneratedCasesCatchABrokenImplementationToo() throws Exception {
        Breakage interimKept = new Breakage() {
            @Override
            public void request(Exchange e) {
                e.query.remove("exclude_interim");
                removeFromBody(e, "exclude_interim");
            }
        };
        assertThat(failedRules(interimKept)).anyMatch(id -> id.startsWith("generated."));
    }

    /** The control: the proxy itself changes nothing a case can see. */
    @Test
    void aProxyThatBreaksNothingFailsNothing() throws Exception {
        assertThat(failedRules(new Breakage() { })).isEmpty();
    }

    private static List<String> failedRules(Breakage breakage) throws Exception {
        try (BreakingProxy proxy = new BreakingProxy(ReferenceServer.url(), breakage)) {
            // The data and the personas are already in the reference server behind the proxy.
            Target.Builder builder = ReferenceServer.target(proxy.url()).seeder((target, dataset, cleanup) -> { });
            personas.forEach(builder::persona);
            // A whole kit run, its cases sent several at once, as the CLI sends them.
            RunRecord run = Conformance.run(builder.build(), KitConfig.builder().set(Setting.RUN_PREFIX, PREFIX)
                    .build(Map.of()), LIBRARY, (outcome, index, total) -> { });
            assertThat(run.error()).as("the reference server behind the proxy can be used").isNull();
            return run.outcomes().stream().filter(o -> o.result() == Outcome.Result.FAILED)
                    .map(o -> o.testCase().id()).toList();
        }
    }

    private static ObjectNode results(Exchange e) {
        if (!e.isResults() || e.status != 200) {
            return null;
        }
        JsonNode answer = e.answerJson();
        return answer instanceof ObjectNode object ? object : null;
    }

    private static String arrayOf(JsonNode answer) {
        return answer.has("records") ? "records" : "influencers";
    }

    private static void removeFromBody(Exchange e, String field) {
        JsonNode body = e.bodyJson();
        if (body instanceof ObjectNode object && object.has(field)) {
            object.remove(field);
            e.body = object.toString();
        }
    }
}
