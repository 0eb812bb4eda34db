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
 * {@code PUT _ml/anomaly_detectors/{id}} as Elasticsearch 8.19 checks and fills in a job: {@code Job.STRICT_PARSER}
 * with {@code Detector}, {@code AnalysisConfig}, {@code AnalysisLimits} and {@code DataDescription} (failures while
 * parsing wrapped as "[parser] failed to parse field [name]"), {@code Job.Builder.validateInputFields},
 * {@code validateDetectorsAreUnique}, {@code JobManager.putJob}'s defaults, and {@code Job.toXContent}'s field order.
 * The cases follow Elasticsearch's own {@code ml/jobs_crud.yml}.
 */
class JobConfigHttpTest {

    private static final String COUNT = "\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}]},\"data_description\":{}";

    private static TestServer server;
    private static int jobs;

    @BeforeAll
    static void start() {
        server = TestServer.empty();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String newId() {
        return "job-config-" + ++jobs;
    }

    private static JsonNode created(String body) {
        String id = newId();
        Answer answer = server.send("PUT", "/_ml/anomaly_detectors/" + id, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        return answer.json();
    }

    private static Answer refused(String body) {
        return refused(newId(), body);
    }

    private static Answer refused(String id, String body) {
        Answer answer = server.send("PUT", "/_ml/anomaly_detectors/" + id, body);
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        return answer;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The innermost cause of an error: what Elasticsearch's parse failures end in. */
    private static JsonNode innermost(Answer answer) {
        JsonNode error = answer.json().get("error");
        while (error.has("caused_by")) {
            error = error.get("caused_by");
        }
        return error;
    }

    @Test
    void aMinimalJobIsRenderedInElasticsearchsOrderWithItsDefaults() {
        JsonNode job = created("{" + COUNT + "}");
        assertThat(names(job)).containsExactly("job_id", "job_type", "job_version", "create_time", "analysis_config",
                "analysis_limits", "data_description", "model_snapshot_retention_days",
                "daily_model_snapshot_retention_after_days", "results_index_name", "allow_lazy_open");
        assertThat(job.get("job_type").asText()).isEqualTo("anomaly_detector");
        assertThat(job.get("create_time").isIntegralNumber()).isTrue();
        JsonNode analysis = job.get("analysis_config");
        assertThat(names(analysis)).containsExactly("bucket_span", "detectors", "influencers", "model_prune_window");
        assertThat(analysis.get("bucket_span").asText()).isEqualTo("5m");
        assertThat(analysis.get("model_prune_window").asText()).isEqualTo("30d");
        assertThat(analysis.get("detectors").toString())
                .isEqualTo("[{\"detector_description\":\"count\",\"function\":\"count\",\"detector_index\":0}]");
        assertThat(job.get("analysis_limits").toString())
                .isEqualTo("{\"model_memory_limit\":\"1024mb\",\"categorization_examples_limit\":4}");
        assertThat(job.get("data_description").toString()).isEqualTo("{\"time_field\":\"time\",\"time_format\":\"epoch_ms\"}");
        assertThat(job.get("model_snapshot_retention_days").asLong()).isEqualTo(10);
        assertThat(job.get("daily_model_snapshot_retention_after_days").asLong()).isEqualTo(1);
        assertThat(job.get("results_index_name").asText()).isEqualTo("shared");
        assertThat(job.get("allow_lazy_open").asBoolean()).isFalse();

        JsonNode got = server.get("/_ml/anomaly_detectors/" + job.get("job_id").asText()).json().at("/jobs/0");
        assertThat(got).as("GET answers the job as PUT did").isEqualTo(job);
        assertThat(names(got)).isEqualTo(names(job));
    }

    @Test
    void aJobStoredByAnEarlierVersionIsListedInElasticsearchsOrder() throws Exception {
        // Earlier versions of this server stored groups and description before create_time.
        com.fasterxml.jackson.databind.node.ObjectNode legacy = (com.fasterxml.jackson.databind.node.ObjectNode)
                TestServer.JSON.readTree("{\"job_id\":\"legacy\",\"job_type\":\"anomaly_detector\",\"job_version\":"
                        + "\"8.19.0\",\"groups\":[\"old\"],\"description\":\"kept\",\"create_time\":1,\"analysis_config\":"
                        + "{\"bucket_span\":\"5m\",\"detectors\":[{\"function\":\"count\",\"detector_description\":\"count\","
                        + "\"detector_index\":0}],\"influencers\":[]},\"analysis_limits\":{\"model_memory_limit\":\"1024mb\","
                        + "\"categorization_examples_limit\":4},\"data_description\":{\"time_field\":\"time\",\"time_format\":"
                        + "\"epoch_ms\"},\"model_snapshot_retention_days\":10,\"daily_model_snapshot_retention_after_days\":1,"
                        + "\"results_index_name\":\"shared\",\"allow_lazy_open\":false}");
        assertThat(server.store().createJob("legacy", legacy).toCompletionStage().toCompletableFuture().get()).isTrue();
        JsonNode listed = server.get("/_ml/anomaly_detectors/legacy").json().at("/jobs/0");
        assertThat(names(listed)).containsExactly("job_id", "job_type", "job_version", "create_time", "groups",
                "description", "analysis_config", "analysis_limits", "data_description", "model_snapshot_retention_days",
                "daily_model_snapshot_retention_after_days", "results_index_name", "allow_lazy_open");
        assertThat(listed.at("/analysis_config/detectors/0/detector_description").asText()).isEqualTo("count");
    }

    @Test
    void configurationsAreNormalisedAsElasticsearchNormalisesThem() {
        JsonNode job = created("{\"description\":\"d\",\"groups\":[\"team\"],\"custom_settings\":{\"a\":1},"
                + "\"analysis_config\":{\"bucket_span\":\"3600s\",\"detectors\":[{\"function\":\"metric\","
                + "\"field_name\":\"response.time\",\"by_field_name\":\"airline\"},{\"function\":\"nzc\",\"by_field_name\":"
                + "\"airline\",\"partition_field_name\":\"region\",\"use_null\":true,\"exclude_frequent\":\"BY\"}],"
                + "\"influencers\":[\"airline\"]},\"data_description\":{\"time_field\":\"@timestamp\","
                + "\"time_format\":\"yyyy-MM-dd HH:mm:ssX\"},\"analysis_limits\":{\"model_memory_limit\":\"3000g\"},"
                + "\"model_plot_config\":{\"enabled\":true},\"results_index_name\":\"mine\",\"model_snapshot_retention_days\":1,"
                + "\"allow_lazy_open\":true}");
        assertThat(names(job)).containsExactly("job_id", "job_type", "job_version", "create_time", "custom_settings",
                "groups", "description", "analysis_config", "analysis_limits", "data_description", "model_plot_config",
                "model_snapshot_retention_days", "results_index_name", "allow_lazy_open");
        assertThat(job.at("/analysis_config/bucket_span").asText()).as("TimeValue.getStringRep keeps the unit")
                .isEqualTo("3600s");
        assertThat(job.at("/analysis_config/detectors/0/detector_description").asText())
                .as("DefaultDetectorDescription quotes a field with a non-word character")
                .isEqualTo("metric(\"response.time\") by airline");
        JsonNode second = job.at("/analysis_config/detectors/1");
        assertThat(second.get("function").asText()).as("the nzc shortcut becomes its full name").isEqualTo("non_zero_count");
        assertThat(second.get("detector_description").asText())
                .isEqualTo("non_zero_count by airline usenull=true partitionfield=region excludefrequent=by");
        assertThat(names(second)).containsExactly("detector_description", "function", "by_field_name",
                "partition_field_name", "use_null", "exclude_frequent", "detector_index");
        assertThat(second.get("detector_index").asInt()).isEqualTo(1);
        assertThat(job.at("/analysis_limits/model_memory_limit").asText()).isEqualTo("3072000mb");
        assertThat(job.get("model_plot_config").toString()).isEqualTo("{\"enabled\":true,\"annotations_enabled\":true}");
        assertThat(job.has("daily_model_snapshot_retention_after_days"))
                .as("the daily retention default applies only above one day of retention").isFalse();
        assertThat(job.get("results_index_name").asText()).isEqualTo("custom-mine");
        String record = "{\"job_id\":\"" + job.get("job_id").asText() + "\",\"result_type\":\"record\",\"probability\":0.1,"
                + "\"record_score\":5,\"initial_record_score\":5,\"bucket_span\":3600,\"detector_index\":0,"
                + "\"is_interim\":false,\"timestamp\":1000}";
        Answer written = server.send("PUT", "/.ml-anomalies-.write-" + job.get("job_id").asText() + "/_doc/r1", record);
        assertThat(written.json().get("_index").asText()).as("Job.getInitialResultsIndexName: the prefix, once")
                .isEqualTo(".ml-anomalies-custom-mine");

        assertThat(created("{" + COUNT + ",\"analysis_limits\":{\"model_memory_limit\":2048}}")
                .at("/analysis_limits/model_memory_limit").asText()).as("a number is megabytes").isEqualTo("2048mb");
        assertThat(created("{" + COUNT + ",\"analysis_limits\":{\"model_memory_limit\":\"11MB\"}}")
                .at("/analysis_limits/model_memory_limit").asText()).isEqualTo("11mb");
        assertThat(created("{\"analysis_config\":{\"bucket_span\":\"15m\",\"detectors\":[{\"function\":\"count\"}],"
                + "\"model_prune_window\":\"14d\"},\"data_description\":{}}").at("/analysis_config/model_prune_window")
                .asText()).isEqualTo("14d");

        JsonNode categorization = created("{\"analysis_config\":{\"detectors\":[{\"function\":\"count\",\"by_field_name\":"
                + "\"mlcategory\"}],\"categorization_field_name\":\"message\",\"categorization_filters\":[\"cat1.*\","
                + "\"cat2.*\"]},\"data_description\":{}}").get("analysis_config");
        assertThat(names(categorization)).as("the filters become the standard analyzer's char filters").containsExactly(
                "bucket_span", "categorization_field_name", "categorization_analyzer", "per_partition_categorization",
                "detectors", "influencers", "model_prune_window");
        JsonNode analyzer = categorization.get("categorization_analyzer");
        assertThat(analyzer.get("tokenizer").asText()).isEqualTo("ml_standard");
        assertThat(analyzer.get("char_filter").toString()).isEqualTo("[\"first_non_blank_line\",{\"pattern\":\"cat1.*\","
                + "\"type\":\"pattern_replace\"},{\"pattern\":\"cat2.*\",\"type\":\"pattern_replace\"}]");
        assertThat(analyzer.get("filter")).hasSize(1);
        assertThat(categorization.get("per_partition_categorization").toString())
                .isEqualTo("{\"enabled\":false,\"stop_on_warn\":false}");

        Answer withDatafeed = server.send("PUT", "/_ml/anomaly_detectors/" + newId() + "?ignore_throttled=false",
                "{" + COUNT + ",\"datafeed_config\":{\"indices\":[\"index-foo\"]}}");
        assertThat(withDatafeed.status()).as(withDatafeed.body()).isEqualTo(200);
        JsonNode datafeed = withDatafeed.json().get("datafeed_config");
        assertThat(datafeed.get("datafeed_id").asText()).as("Job.Builder.build: the datafeed takes the job's id")
                .isEqualTo(withDatafeed.json().get("job_id").asText());
        assertThat(datafeed.get("job_id").asText()).isEqualTo(withDatafeed.json().get("job_id").asText());
        assertThat(datafeed.get("indices_options").toString()).as("RestPutJobAction's indices options")
                .isEqualTo("{\"expand_wildcards\":[\"open\"],\"ignore_unavailable\":false,\"allow_no_indices\":true,"
                        + "\"ignore_throttled\":false}");

        JsonNode rules = created("{\"analysis_config\":{\"detectors\":[{\"function\":\"count\",\"by_field_name\":\"country\","
                + "\"custom_rules\":[{\"scope\":{\"country\":{\"filter_id\":\"safe\"}},\"conditions\":[{\"applies_to\":"
                + "\"actual\",\"operator\":\"lt\",\"value\":33.3}]}]}]},\"data_description\":{}}")
                .at("/analysis_config/detectors/0/custom_rules");
        assertThat(rules.toString()).as("DetectionRule's defaults: skip_result, an include filter").isEqualTo(
                "[{\"actions\":[\"skip_result\"],\"scope\":{\"country\":{\"filter_id\":\"safe\",\"filter_type\":"
                        + "\"include\"}},\"conditions\":[{\"applies_to\":\"actual\",\"operator\":\"lt\",\"value\":33.3}]}]");

        JsonNode exported = server.get("/_ml/anomaly_detectors/" + job.get("job_id").asText() + "?exclude_generated=true")
                .json().at("/jobs/0");
        assertThat(names(exported)).as("Job.doXContentBody with exclude_generated").containsExactly("job_id",
                "custom_settings", "groups", "description", "analysis_config", "analysis_limits", "data_description",
                "model_plot_config", "model_snapshot_retention_days", "results_index_name", "allow_lazy_open");
    }

    @Test
    void wholeJobChecksAnswerIllegalArgumentWithElasticsearchsMessages() {
        String airline = "\"analysis_config\":{\"bucket_span\":\"1h\",\"detectors\":[{\"function\":\"metric\","
                + "\"field_name\":\"responsetime\",\"by_field_name\":\"airline\"}]},\"data_description\":{\"time_field\":\"@timestamp\"}";
        assertIllegalArgument(refused("{" + airline + ",\"model_snapshot_retention_days\":3,"
                + "\"daily_model_snapshot_retention_after_days\":4}"),
                "The value of daily_model_snapshot_retention_after_days [4] cannot be greater than "
                        + "model_snapshot_retention_days [3]");
        assertIllegalArgument(refused("{" + airline + ",\"model_snapshot_retention_days\":3,"
                + "\"daily_model_snapshot_retention_after_days\":-1}"),
                "daily_model_snapshot_retention_after_days cannot be less than 0. Value = -1");
        assertIllegalArgument(refused("an_id", "{\"job_id\":\"a_different_id\"," + airline + "}"),
                "Inconsistent job_id; 'a_different_id' specified in the body differs from 'an_id' specified as a URL argument");
        assertIllegalArgument(refused("{\"model_snapshot_id\":\"wont-create-with-this-setting\"," + airline + "}"),
                "The job is configured with fields [model_snapshot_id] that are illegal to set at job creation");
        assertIllegalArgument(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"rare\",\"by_field_name\":"
                + "\"@timestamp\"}]},\"data_description\":{\"time_field\":\"@timestamp\"}}"),
                "data_description.time_field may not be used in the analysis_config");
        assertIllegalArgument(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"mean\",\"field_name\":\"time\"}]},"
                + "\"data_description\":{}}"), "data_description.time_field may not be used in the analysis_config");
        assertIllegalArgument(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"max\",\"field_name\":\"responsetime\"},"
                + "{\"function\":\"max\",\"field_name\":\"responsetime\",\"detector_index\":1}]},\"data_description\":{}}"),
                "Duplicate detectors are not allowed: [max(responsetime)]");
        assertIllegalArgument(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}]}}"),
                "A data_description must be set");
        assertIllegalArgument(refused("{" + COUNT + ",\"background_persist_interval\":\"30m\"}"),
                "background_persist_interval cannot be less than 3,600. Value = 1,800");
        assertIllegalArgument(refused("{" + COUNT + ",\"groups\":[\"Bad\"]}"), "Invalid group id 'Bad'; must be non-empty "
                + "string and may contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end "
                + "with alphanumeric");
        assertIllegalArgument(refused("{" + COUNT + ",\"results_index_name\":\"Bad\"}"), "Invalid results_index_name; "
                + "'Bad' can contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with "
                + "alphanumeric");
        assertIllegalArgument(refused("a".repeat(65), "{" + COUNT + "}"), "The job id cannot contain more than 64 characters.");
        assertIllegalArgument(refused("Upper", "{" + COUNT + "}"), "Invalid job_id; 'Upper' can contain lowercase "
                + "alphanumeric (a-z and 0-9), hyphens or underscores; must start and end with alphanumeric");

        Answer sameAsGroup = refused("clash", "{" + COUNT + ",\"groups\":[\"clash\"]}");
        assertThat(sameAsGroup.errorType()).isEqualTo("resource_already_exists_exception");
        assertThat(sameAsGroup.errorReason()).isEqualTo("job and group names must be unique but job [clash] and group "
                + "[clash] have the same name");
    }

    private static void assertIllegalArgument(Answer answer, String reason) {
        assertThat(answer.errorType()).as(answer.body()).isEqualTo("illegal_argument_exception");
        assertThat(answer.errorReason()).isEqualTo(reason);
    }

    @Test
    void namesAreCheckedAgainstTheJobsThatExist() {
        String id = newId();
        assertThat(server.send("PUT", "/_ml/anomaly_detectors/" + id, "{" + COUNT + ",\"groups\":[\"crew\"]}").status())
                .isEqualTo(200);
        Answer taken = refused(id, "{" + COUNT + "}");
        assertThat(taken.errorType()).isEqualTo("resource_already_exists_exception");
        assertThat(taken.errorReason()).isEqualTo("The job cannot be created with the Id '" + id + "'. The Id is already used.");
        assertThat(refused("crew", "{" + COUNT + "}").errorReason()).as("a group already bears the name")
                .isEqualTo("The job cannot be created with the Id 'crew'. The Id is already used.");
        assertThat(refused("{" + COUNT + ",\"groups\":[\"" + id + "\"]}").errorReason())
                .isEqualTo("job and group names must be unique but job [" + id + "] and group [" + id + "] have the same name");
    }

    @Test
    void partsFailWhileParsedAndTheFailureIsWrappedAsElasticsearchWrapsIt() {
        Answer unknownFunction = refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"foo\"}]},\"data_description\":{}}");
        assertThat(unknownFunction.errorType()).isEqualTo("x_content_parse_exception");
        assertThat(unknownFunction.errorReason()).isEqualTo("[1:46] [job_details] failed to parse field [analysis_config]");
        JsonNode detectors = unknownFunction.json().at("/error/caused_by");
        assertThat(detectors.get("reason").asText()).isEqualTo("[1:46] [analysis_config] failed to parse field [detectors]");
        assertThat(detectors.at("/caused_by/reason").asText()).isEqualTo("[1:46] [detector] failed to parse field [function]");
        assertThat(innermost(unknownFunction).get("type").asText()).isEqualTo("illegal_argument_exception");
        assertThat(innermost(unknownFunction).get("reason").asText()).isEqualTo("Unknown function 'foo'");

        assertInnermost(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"metric\"}]},\"data_description\":{}}"),
                "status_exception", "Unless a count or temporal function is used one of field_name, by_field_name or "
                        + "over_field_name must be set");
        assertInnermost(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"mean\",\"by_field_name\":\"a\"}]},"
                + "\"data_description\":{}}"), "status_exception", "field_name must be set when the 'mean' function is used");
        assertInnermost(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"count\",\"field_name\":\"a\"}]},"
                + "\"data_description\":{}}"), "status_exception", "field_name cannot be used with function 'count'");
        assertInnermost(refused("{\"analysis_config\":{\"detectors\":[{\"field_name\":\"a\"}]},\"data_description\":{}}"),
                "status_exception", "field_name cannot be used with function 'null'");
        assertInnermost(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"rare\",\"over_field_name\":\"a\"}]},"
                + "\"data_description\":{}}"), "status_exception", "by_field_name must be set when the 'rare' function is used");
        assertInnermost(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"count\",\"by_field_name\":\"a\","
                + "\"over_field_name\":\"a\"}]},\"data_description\":{}}"), "status_exception",
                "by_field_name and over_field_name cannot be the same: 'a'");
        assertInnermost(refused("{\"analysis_config\":{\"bucket_span\":\"15x\",\"detectors\":[{\"function\":\"count\"}]},"
                + "\"data_description\":{}}"), "parse_exception",
                "failed to parse setting [bucket_span] with value [15x] as a time value: unit is missing or unrecognized");
        assertInnermost(refused("{\"analysis_config\":{\"bucket_span\":\"1500ms\",\"detectors\":[{\"function\":\"count\"}]},"
                + "\"data_description\":{}}"), "illegal_argument_exception",
                "bucket_span has to be a multiple of 1s; actual was '1.5s'");
        assertInnermost(refused("{\"analysis_config\":{\"bucket_span\":\"15m\",\"detectors\":[{\"function\":\"count\"}],"
                + "\"model_prune_window\":\"29m\"},\"data_description\":{}}"), "status_exception",
                "model_prune_window [29m] must be a multiple of bucket_span [15m]");
        assertInnermost(refused("{\"analysis_config\":{\"bucket_span\":\"15m\",\"detectors\":[{\"function\":\"count\"}],"
                + "\"model_prune_window\":\"15m\"},\"data_description\":{}}"), "status_exception",
                "model_prune_window [15m] must be at least 2 times greater than bucket_span [15m]");
        assertInnermost(refused("{\"analysis_config\":{},\"data_description\":{}}"), "illegal_argument_exception",
                "Required [detectors]");
        assertInnermost(refused("{\"analysis_config\":{\"detectors\":[]},\"data_description\":{}}"), "status_exception",
                "No detectors configured");
        assertInnermost(refused("{" + COUNT + ",\"analysis_limits\":{\"model_memory_limit\":\"500kb\"}}"),
                "status_exception", "model_memory_limit must be at least 1 MiB. Value = 0");
        assertInnermost(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"count\",\"by_field_name\":\"mlcategory\"}],"
                + "\"categorization_field_name\":\"message\",\"categorization_analyzer\":\"standard\","
                + "\"categorization_filters\":[\"cat1.*\"]},\"data_description\":{}}"), "status_exception",
                "categorization_filters cannot be used with categorization_analyzer - instead specify them as "
                        + "pattern_replace char_filters in the analyzer");

        assertInnermost(refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}]},\"data_description\":"
                + "{\"time_format\":\"yyyy\"}}"), "status_exception", "Invalid Time format string 'yyyy'");
        assertThat(created("{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}]},\"data_description\":"
                + "{\"format\":\"delimited\"}}").get("data_description").toString())
                .as("DataFormat.forString turns the old delimited into xcontent, which is not rendered")
                .isEqualTo("{\"time_field\":\"time\",\"time_format\":\"epoch_ms\"}");

        // ConstructingObjectParser: a setter met before the detectors waits for them, and fails as the object is built.
        Answer queued = refused("{\"analysis_config\":{\"bucket_span\":\"15x\",\"detectors\":[{\"function\":\"count\"}]},"
                + "\"data_description\":{}}");
        assertThat(queued.json().at("/error/caused_by/reason").asText())
                .isEqualTo("[1:74] [analysis_config] failed to parse field [detectors]");
        assertThat(queued.json().at("/error/caused_by/caused_by/reason").asText())
                .isEqualTo("Failed to build [analysis_config] after last required field arrived");
        assertThat(queued.json().at("/error/caused_by/caused_by/caused_by/reason").asText())
                .isEqualTo("[1:35] [analysis_config] failed to parse field [bucket_span]");
        Answer direct = refused("{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}],\"bucket_span\":\"15x\"},"
                + "\"data_description\":{}}");
        assertThat(direct.json().at("/error/caused_by/reason").asText())
                .isEqualTo("[1:70] [analysis_config] failed to parse field [bucket_span]");
        Answer tooSmall = refused("{" + COUNT + ",\"analysis_limits\":{\"model_memory_limit\":\"500kb\"}}");
        assertThat(tooSmall.json().at("/error/caused_by/reason").asText()).as("AnalysisLimits is built at its end")
                .isEqualTo("Failed to build [analysis_limits] after last required field arrived");

        Answer unknownField = refused("{" + COUNT + ",\"bucket_span\":\"5m\"}");
        assertThat(unknownField.errorType()).isEqualTo("x_content_parse_exception");
        assertThat(unknownField.errorReason()).startsWith("[1:79] [job_details] unknown field [bucket_span]");
        Answer wrongType = refused("{\"analysis_config\":{\"detectors\":[{\"function\":1}]},\"data_description\":{}}");
        assertThat(innermost(wrongType).get("reason").asText())
                .isEqualTo("[1:46] [detector] function doesn't support values of type: VALUE_NUMBER");
    }

    @Test
    void badValuesAnywhereAreRefusedNeverAServerError() {
        List<String> bodies = List.of("[]", "\"job\"", "{\"analysis_config\":null,\"data_description\":{}}",
                "{\"analysis_config\":{\"detectors\":{\"function\":7}},\"data_description\":{}}",
                "{\"analysis_config\":{\"detectors\":[\"count\"]},\"data_description\":{}}",
                "{\"analysis_config\":{\"detectors\":[{\"function\":\"count\",\"custom_rules\":[{\"scope\":{\"x\":1}}]}]},"
                        + "\"data_description\":{}}",
                "{\"analysis_config\":{\"detectors\":[{\"function\":\"count\",\"detector_index\":\"x\"}]},\"data_description\":{}}",
                "{\"analysis_config\":{\"bucket_span\":\"-1\",\"detectors\":[{\"function\":\"count\"}]},\"data_description\":{}}",
                "{\"analysis_config\":{\"bucket_span\":\"1.5h\",\"detectors\":[{\"function\":\"count\"}]},\"data_description\":{}}",
                "{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}],\"influencers\":[null]},\"data_description\":{}}",
                "{" + COUNT + ",\"analysis_limits\":{\"model_memory_limit\":true}}",
                "{" + COUNT + ",\"analysis_limits\":{\"model_memory_limit\":\"lots\"}}",
                "{" + COUNT + ",\"analysis_limits\":{\"categorization_examples_limit\":-1}}",
                "{" + COUNT + ",\"model_plot_config\":{}}",
                "{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}]},\"data_description\":{\"format\":\"csv\"}}",
                "{\"analysis_config\":{\"detectors\":[{\"function\":\"count\"}]},\"data_description\":{\"time_format\":\"yyyy\"}}",
                "{" + COUNT + ",\"model_snapshot_retention_days\":\"ten\"}",
                "{" + COUNT + ",\"background_persist_interval\":\"1500ms\"}",
                "{" + COUNT + ",\"groups\":\"Bad\"}",
                "{" + COUNT + ",\"create_time\":1}",
                "{" + COUNT + ",\"datafeed_config\":{\"job_id\":\"other\"}}");
        for (String body : bodies) {
            Answer answer = server.send("PUT", "/_ml/anomaly_detectors/" + newId(), body);
            assertThat(answer.status()).as(body + " -> " + answer.body()).isEqualTo(400);
            assertThat(answer.errorType()).as(body).isNotBlank();
        }
    }

    private static void assertInnermost(Answer answer, String type, String reason) {
        assertThat(answer.errorType()).as(answer.body()).isEqualTo("x_content_parse_exception");
        assertThat(innermost(answer).get("type").asText()).as(answer.body()).isEqualTo(type);
        assertThat(innermost(answer).get("reason").asText()).isEqualTo(reason);
    }
}
