package io.anomalykit.server.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Anomaly detection jobs as Elasticsearch creates them ({@code PutJobAction.Request.parseRequest}, then
 * {@code JobManager.putJob} and {@code Job.Builder.build}): id rules, the checks on the whole configuration, the defaults
 * filled in at creation and the job rendered in {@code Job.toXContent}'s order.
 */
public final class Jobs {

    /** {@code MlStrings.VALID_ID_CHAR_PATTERN} (dots allowed, though undocumented). */
    private static final Pattern VALID_ID = Pattern.compile("[a-z0-9](?:[a-z0-9_\\-.]*[a-z0-9])?");
    private static final int MAX_ID_LENGTH = 64;
    private static final long DEFAULT_MODEL_SNAPSHOT_RETENTION_DAYS = 10;
    private static final long DEFAULT_DAILY_MODEL_SNAPSHOT_RETENTION_AFTER_DAYS = 1;
    private static final long DEFAULT_MODEL_MEMORY_LIMIT_MB = 1024;
    private static final long DEFAULT_CATEGORIZATION_EXAMPLES_LIMIT = 4;
    private static final TimeValue DEFAULT_MODEL_PRUNE_WINDOW = TimeValue.ofDays(30);
    private static final long MIN_BACKGROUND_PERSIST_INTERVAL_SECONDS = 3600;
    /** {@code AnomalyDetectorsIndexFields.RESULTS_INDEX_DEFAULT}. */
    private static final String SHARED_RESULTS_INDEX = "shared";
    private static final String CUSTOM_RESULTS_INDEX_PREFIX = "custom-";

    /** {@code Job.doXContentBody}'s order of the top-level fields. */
    private static final List<String> FIELD_ORDER = List.of("job_id", "job_type", "job_version", "create_time",
            "finished_time", "model_snapshot_id", "deleting", "model_snapshot_min_version", "custom_settings",
            "datafeed_config", "groups", "description", "analysis_config", "analysis_limits", "data_description",
            "model_plot_config", "renormalization_window_days", "background_persist_interval",
            "model_snapshot_retention_days", "daily_model_snapshot_retention_after_days", "results_retention_days",
            "system_annotations_retention_days", "results_index_name", "allow_lazy_open", "blocked");
    /** What {@code exclude_generated} leaves out. */
    private static final Set<String> GENERATED = Set.of("job_type", "job_version", "create_time", "finished_time",
            "model_snapshot_id", "deleting", "model_snapshot_min_version", "datafeed_config");

    private Jobs() {
    }

    /** Fails as Elasticsearch does for an id no job may have ({@code MlStrings.isValidId}, {@code hasValidLengthForId}). */
    private static void validateId(String jobId) {
        if (!isValidId(jobId)) {
            throw EsException.illegalArgument(invalidId("job_id", jobId));
        }
        if (jobId.length() > MAX_ID_LENGTH) {
            throw EsException.illegalArgument(JobConfigParser.message(
                    "The job id cannot contain more than {0,number,integer} characters.", MAX_ID_LENGTH));
        }
    }

    private static boolean isValidId(String id) {
        return id != null && VALID_ID.matcher(id).matches() && !id.equals("_all");
    }

    private static String invalidId(String field, String id) {
        return JobConfigParser.message("Invalid {0}; ''{1}'' can contain lowercase alphanumeric (a-z and 0-9), hyphens "
                + "or underscores; must start and end with alphanumeric", field, id);
    }

    /**
     * What {@code JobManager.putJob} checks against the jobs that exist, after the request is authorized: no job or
     * group may already be named as the new job, and none of its groups may be named as an existing job.
     */
    public static void checkNamesAgainst(ObjectNode job, List<ObjectNode> existing) {
        String jobId = job.get("job_id").asText();
        Set<String> existingIds = new HashSet<>();
        Set<String> existingGroups = new HashSet<>();
        existing.forEach(other -> {
            existingIds.add(other.path("job_id").asText());
            other.path("groups").forEach(group -> existingGroups.add(group.asText()));
        });
        if (existingIds.contains(jobId) || existingGroups.contains(jobId)) {
            throw idTaken(jobId);
        }
        for (JsonNode group : job.path("groups")) {
            if (existingIds.contains(group.asText())) {
                throw groupNamedAsJob(group.asText());
            }
        }
    }

    /** {@code JOB_CONFIG_ID_ALREADY_TAKEN}, as {@code JobManager.putJob} answers a job id in use. */
    public static EsException idTaken(String jobId) {
        return EsException.of(400, "resource_already_exists_exception",
                "The job cannot be created with the Id '" + jobId + "'. The Id is already used.");
    }

    /**
     * The job as stored and returned, from the body of a create-job request, as far as the request alone decides it
     * (what {@code RestPutJobAction} checks before the request is authorized and other jobs are looked at).
     *
     * @param indicesOptions what an embedded datafeed without indices options gets
     * @param jobVersion the Elasticsearch version the job is created by
     */
    public static ObjectNode fromCreateRequest(String jobId, byte[] body, DatafeedIndicesOptions indicesOptions,
            long createTimeMillis, String jobVersion) {
        ObjectNode config = JobConfigParser.parse(body);
        if (config.hasNonNull("job_id") && !config.get("job_id").asText().equals(jobId)) {
            throw EsException.illegalArgument(JobConfigParser.message("Inconsistent {0}; ''{1}'' specified in the body "
                    + "differs from ''{2}'' specified as a URL argument", "job_id", config.get("job_id").asText(), jobId));
        }
        validateInputFields(jobId, config);
        validateDetectorsAreUnique(config.get("analysis_config"));
        List<String> illegalAtCreation = new ArrayList<>();
        for (String field : List.of("model_snapshot_id", "finished_time", "create_time")) {
            if (config.hasNonNull(field)) {
                illegalAtCreation.add(field);
            }
        }
        if (!illegalAtCreation.isEmpty()) {
            throw EsException.illegalArgument("The job is configured with fields [" + String.join(",", illegalAtCreation)
                    + "] that are illegal to set at job creation");
        }
        return render(jobId, config, indicesOptions, createTimeMillis, jobVersion);
    }

    /** {@code Job.Builder.validateInputFields}, in its order. */
    private static void validateInputFields(String jobId, ObjectNode config) {
        if (!config.has("analysis_config")) {
            throw EsException.illegalArgument("An analysis_config must be set");
        }
        if (!config.has("data_description")) {
            throw EsException.illegalArgument("A data_description must be set");
        }
        String timeField = config.get("data_description").get("time_field").asText();
        if (JobConfigParser.analysisFields(config.get("analysis_config")).contains(timeField)) {
            throw EsException.illegalArgument("data_description.time_field may not be used in the analysis_config");
        }
        if (config.has("background_persist_interval")) {
            TimeValue interval = TimeValue.parse(config.get("background_persist_interval").asText(),
                    "background_persist_interval");
            JobConfigParser.checkMultipleOfSecond(interval, "background_persist_interval");
            checkNotLessThan(MIN_BACKGROUND_PERSIST_INTERVAL_SECONDS, "background_persist_interval", interval.seconds());
        }
        checkNotLessThan(0, "renormalization_window_days", config.get("renormalization_window_days"));
        checkNotLessThan(0, "results_retention_days", config.get("results_retention_days"));
        checkNotLessThan(0, "system_annotations_retention_days", config.get("system_annotations_retention_days"));
        validateId(jobId);
        validateModelSnapshotRetention(config.get("model_snapshot_retention_days"),
                config.get("daily_model_snapshot_retention_after_days"));
        for (JsonNode group : config.path("groups")) {
            if (!isValidId(group.asText())) {
                throw EsException.illegalArgument(JobConfigParser.message("Invalid group id ''{0}''; must be non-empty "
                        + "string and may contain lowercase alphanumeric (a-z and 0-9), hyphens or underscores; must "
                        + "start and end with alphanumeric", group.asText()));
            }
            if (group.asText().equals(jobId)) {
                throw groupNamedAsJob(jobId);
            }
        }
        String resultsIndexName = config.path("results_index_name").asText("");
        if (!resultsIndexName.isEmpty() && !isValidId(resultsIndexName)) {
            throw EsException.illegalArgument(invalidId("results_index_name", resultsIndexName));
        }
    }

    private static EsException groupNamedAsJob(String name) {
        return EsException.of(400, "resource_already_exists_exception", "job and group names must be unique but job ["
                + name + "] and group [" + name + "] have the same name");
    }

    /** {@code Job.checkValueNotLessThan}: {@code JOB_CONFIG_FIELD_VALUE_TOO_LOW}. */
    private static void checkNotLessThan(long minimum, String field, JsonNode value) {
        if (value != null && !value.isNull()) {
            checkNotLessThan(minimum, field, value.asLong());
        }
    }

    private static void checkNotLessThan(long minimum, String field, long value) {
        if (value < minimum) {
            throw EsException.illegalArgument(JobConfigParser.message("{0} cannot be less than {1,number}. Value = {2,number}",
                    field, minimum, value));
        }
    }

    /** {@code Job.Builder.validateModelSnapshotRetentionSettings}, with the default retention of 10 days. */
    private static void validateModelSnapshotRetention(JsonNode retentionDays, JsonNode dailyAfterDays) {
        long retention = retentionDays == null ? DEFAULT_MODEL_SNAPSHOT_RETENTION_DAYS : retentionDays.asLong();
        checkNotLessThan(0, "model_snapshot_retention_days", retention);
        checkNotLessThan(0, "daily_model_snapshot_retention_after_days", dailyAfterDays);
        if (dailyAfterDays != null && dailyAfterDays.asLong() > retention) {
            // MessageFormat drops the quotes Messages puts around the two field names.
            throw EsException.illegalArgument(JobConfigParser.message("The value of daily_model_snapshot_retention_after_days "
                    + "[{0}] cannot be greater than model_snapshot_retention_days [{1}]", dailyAfterDays.asLong(), retention));
        }
    }

    /** {@code Job.Builder.validateDetectorsAreUnique}: detectors compared as built, their index aside. */
    private static void validateDetectorsAreUnique(JsonNode analysisConfig) {
        Set<JsonNode> seen = new HashSet<>();
        for (JsonNode detector : analysisConfig.get("detectors")) {
            ObjectNode canonical = ((ObjectNode) detector).deepCopy();
            canonical.remove("detector_index");
            if (!seen.add(canonical)) {
                throw EsException.illegalArgument("Duplicate detectors are not allowed: ["
                        + detector.get("detector_description").asText() + "]");
            }
        }
    }

    /**
     * The created job, with what creation fills in: type, version, creation time,
     * {@code analysis_limits} defaults ({@code validateAnalysisLimitsAndSetDefaults}), the snapshot retention defaults
     * ({@code validateModelSnapshotRetentionSettingsAndSetDefaults}), the default {@code model_prune_window}, and the
     * results index name ({@code shared}, or the given name with the {@code custom-} prefix).
     */
    private static ObjectNode render(String jobId, ObjectNode config, DatafeedIndicesOptions indicesOptions,
            long createTimeMillis, String jobVersion) {
        ObjectNode job = StrictObjectReader.JSON.createObjectNode();
        job.put("job_id", jobId);
        job.put("job_type", config.path("job_type").asText("anomaly_detector"));
        job.put("job_version", jobVersion);
        job.put("create_time", createTimeMillis);
        if (config.path("deleting").asBoolean(false)) {
            job.put("deleting", true);
        }
        copy(config, job, "model_snapshot_min_version", "custom_settings");
        if (config.has("datafeed_config")) {
            job.set("datafeed_config", datafeed(jobId, (ObjectNode) config.get("datafeed_config"), indicesOptions));
        }
        if (!config.path("groups").isEmpty()) {
            job.set("groups", config.get("groups"));
        }
        if (config.hasNonNull("description")) {
            job.set("description", config.get("description"));
        }
        ObjectNode analysis = (ObjectNode) config.get("analysis_config");
        if (!analysis.has("model_prune_window")) {
            defaultModelPruneWindow(analysis);
        }
        job.set("analysis_config", analysis);
        ObjectNode limits = job.putObject("analysis_limits");
        JsonNode given = config.path("analysis_limits");
        limits.put("model_memory_limit", given.path("model_memory_limit").asLong(DEFAULT_MODEL_MEMORY_LIMIT_MB) + "mb");
        limits.put("categorization_examples_limit",
                given.path("categorization_examples_limit").asLong(DEFAULT_CATEGORIZATION_EXAMPLES_LIMIT));
        job.set("data_description", config.get("data_description"));
        copy(config, job, "model_plot_config", "renormalization_window_days", "background_persist_interval");
        long retention = config.path("model_snapshot_retention_days").asLong(DEFAULT_MODEL_SNAPSHOT_RETENTION_DAYS);
        job.put("model_snapshot_retention_days", retention);
        if (config.has("daily_model_snapshot_retention_after_days")) {
            job.set("daily_model_snapshot_retention_after_days", config.get("daily_model_snapshot_retention_after_days"));
        } else if (retention > DEFAULT_DAILY_MODEL_SNAPSHOT_RETENTION_AFTER_DAYS) {
            job.put("daily_model_snapshot_retention_after_days", DEFAULT_DAILY_MODEL_SNAPSHOT_RETENTION_AFTER_DAYS);
        }
        copy(config, job, "results_retention_days", "system_annotations_retention_days");
        String resultsIndexName = config.path("results_index_name").asText("");
        job.put("results_index_name", resultsIndexName.isEmpty() || resultsIndexName.equals(SHARED_RESULTS_INDEX)
                ? SHARED_RESULTS_INDEX
                : resultsIndexName.startsWith(CUSTOM_RESULTS_INDEX_PREFIX) ? resultsIndexName
                : CUSTOM_RESULTS_INDEX_PREFIX + resultsIndexName);
        job.put("allow_lazy_open", config.path("allow_lazy_open").asBoolean(false));
        if (config.has("blocked") && !config.get("blocked").path("reason").asText("none").equals("none")) {
            job.set("blocked", config.get("blocked"));
        }
        return rendered(job, false);
    }

    /**
     * A stored job as {@code GET} answers it: its top-level fields in {@code Job.doXContentBody}'s order (jobs stored
     * by earlier versions of this server kept another), and with {@code exclude_generated} without what Elasticsearch
     * generated ({@code created_by} too, from {@code custom_settings}), so that the job can be created again elsewhere.
     */
    public static ObjectNode rendered(ObjectNode stored, boolean excludeGenerated) {
        ObjectNode out = StrictObjectReader.JSON.createObjectNode();
        for (String field : FIELD_ORDER) {
            if (stored.has(field) && !(excludeGenerated && GENERATED.contains(field))) {
                out.set(field, stored.get(field).deepCopy());
            }
        }
        stored.properties().forEach(field -> {
            if (!FIELD_ORDER.contains(field.getKey())) {
                out.set(field.getKey(), field.getValue().deepCopy());
            }
        });
        if (excludeGenerated && out.path("custom_settings").isObject()) {
            ((ObjectNode) out.get("custom_settings")).remove("created_by");
        }
        return out;
    }

    /**
     * {@code AnalysisConfig.DEFAULT_MODEL_PRUNE_WINDOW} (30 days), where it is a valid window for the bucket span: a
     * multiple of it, at least two buckets long.
     */
    private static void defaultModelPruneWindow(ObjectNode analysis) {
        TimeValue bucketSpan = TimeValue.parse(analysis.get("bucket_span").asText(), "bucket_span");
        long window = DEFAULT_MODEL_PRUNE_WINDOW.seconds();
        if (window % bucketSpan.seconds() == 0 && window / bucketSpan.seconds() >= 2) {
            analysis.put("model_prune_window", DEFAULT_MODEL_PRUNE_WINDOW.stringRep());
        }
    }

    /**
     * {@code Job.Builder.build}'s datafeed: its id defaults to the job's, its {@code job_id} must be the job's, its
     * indices options default to the request's. The rest of the datafeed is kept as given (this server runs no
     * datafeeds).
     */
    private static ObjectNode datafeed(String jobId, ObjectNode given, DatafeedIndicesOptions indicesOptions) {
        if (given.hasNonNull("job_id") && !given.get("job_id").asText().equals(jobId)) {
            throw EsException.illegalArgument("datafeed job_id [" + given.get("job_id").asText()
                    + "] does not equal job id [" + jobId + "}");
        }
        ObjectNode out = StrictObjectReader.JSON.createObjectNode();
        out.put("datafeed_id", given.path("datafeed_id").asText(jobId));
        out.put("job_id", jobId);
        given.properties().forEach(field -> {
            if (!out.has(field.getKey())) {
                out.set(field.getKey(), field.getValue());
            }
        });
        if (!out.has("indices_options")) {
            out.set("indices_options", indicesOptions.render());
        }
        return out;
    }

    private static void copy(ObjectNode from, ObjectNode to, String... fields) {
        for (String field : fields) {
            if (from.hasNonNull(field)) {
                to.set(field, from.get(field));
            }
        }
    }
}
