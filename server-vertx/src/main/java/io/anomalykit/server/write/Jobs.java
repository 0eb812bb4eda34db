package io.anomalykit.server.write;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultsRequestParser;
import io.anomalykit.server.query.Suggestions;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

/** Anomaly detection jobs as Elasticsearch creates them: id rules, the accepted configuration, the stored form. */
public final class Jobs {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VALID_ID = Pattern.compile("[a-z0-9](?:[a-z0-9_\\-]*[a-z0-9])?");
    private static final int MAX_ID_LENGTH = 64;
    private static final List<String> FIELDS = List.of("job_id", "description", "groups", "analysis_config",
            "analysis_limits", "data_description", "model_plot_config", "datafeed_config", "custom_settings",
            "results_index_name", "model_snapshot_retention_days", "daily_model_snapshot_retention_after_days",
            "results_retention_days", "renormalization_window_days", "background_persist_interval", "allow_lazy_open");

    private Jobs() {
    }

    /** Fails as Elasticsearch does for an id no job may have. */
    public static void validateId(String jobId) {
        if (jobId.length() > MAX_ID_LENGTH) {
            throw EsException.illegalArgument("The job_id cannot contain more than " + MAX_ID_LENGTH + " characters.");
        }
        if (!VALID_ID.matcher(jobId).matches()) {
            throw EsException.illegalArgument("Invalid job_id; '" + jobId + "' can contain lowercase alphanumeric "
                    + "(a-z and 0-9), hyphens or underscores; must start and end with alphanumeric");
        }
    }

    /**
     * The job as stored and returned, from the body of a create-job request.
     *
     * @param jobVersion the Elasticsearch version the job is created by
     */
    public static ObjectNode fromCreateRequest(String jobId, byte[] body, long createTimeMillis, String jobVersion) {
        validateId(jobId);
        ObjectNode config = readConfig(body);
        if (config.has("job_id") && !config.get("job_id").asText().equals(jobId)) {
            throw EsException.illegalArgument("Inconsistent job_id; '" + config.get("job_id").asText()
                    + "' specified in the body differs from '" + jobId + "' specified as a URL argument");
        }
        JsonNode analysis = config.get("analysis_config");
        if (analysis == null || !analysis.isObject()) {
            throw statusException("An analysis_config must be set");
        }
        JsonNode data = config.get("data_description");
        if (data == null || !data.isObject()) {
            throw statusException("A data_description must be set");
        }
        JsonNode detectors = analysis.get("detectors");
        if (detectors == null || !detectors.isArray() || detectors.isEmpty()) {
            throw statusException("No detectors configured");
        }

        ObjectNode job = JSON.createObjectNode();
        job.put("job_id", jobId);
        job.put("job_type", "anomaly_detector");
        job.put("job_version", jobVersion);
        if (config.has("groups")) {
            job.set("groups", config.get("groups"));
        }
        if (config.has("description")) {
            job.set("description", config.get("description"));
        }
        job.put("create_time", createTimeMillis);
        ObjectNode analysisOut = job.putObject("analysis_config");
        analysisOut.put("bucket_span", analysis.path("bucket_span").asText("5m"));
        ArrayNode detectorsOut = analysisOut.putArray("detectors");
        int index = 0;
        for (JsonNode detector : detectors) {
            if (!detector.isObject() || !detector.path("function").isTextual()) {
                throw EsException.illegalArgument("Detector function must be set: detector [" + index + "] has none");
            }
            ObjectNode detectorOut = ((ObjectNode) detector).deepCopy();
            if (!detectorOut.has("detector_description")) {
                detectorOut.put("detector_description", detector.get("function").asText()
                        + (detector.has("field_name") ? "(" + detector.get("field_name").asText() + ")" : ""));
            }
            detectorOut.put("detector_index", index++);
            detectorsOut.add(detectorOut);
        }
        analysisOut.set("influencers", analysis.has("influencers") ? analysis.get("influencers") : JSON.createArrayNode());
        analysis.properties().forEach(field -> {
            if (!analysisOut.has(field.getKey())) {
                analysisOut.set(field.getKey(), field.getValue());
            }
        });
        ObjectNode limits = job.putObject("analysis_limits");
        limits.put("model_memory_limit", "1024mb");
        limits.put("categorization_examples_limit", 4);
        if (config.path("analysis_limits").isObject()) {
            limits.setAll((ObjectNode) config.get("analysis_limits"));
        }
        ObjectNode dataOut = job.putObject("data_description");
        dataOut.put("time_field", data.path("time_field").asText("time"));
        dataOut.put("time_format", data.path("time_format").asText("epoch_ms"));
        job.put("model_snapshot_retention_days", config.path("model_snapshot_retention_days").asLong(10));
        job.put("daily_model_snapshot_retention_after_days",
                config.path("daily_model_snapshot_retention_after_days").asLong(1));
        job.put("results_index_name", config.path("results_index_name").asText("shared"));
        job.put("allow_lazy_open", config.path("allow_lazy_open").asBoolean(false));
        for (String passthrough : List.of("model_plot_config", "datafeed_config", "custom_settings",
                "results_retention_days", "renormalization_window_days", "background_persist_interval")) {
            if (config.has(passthrough)) {
                job.set(passthrough, config.get(passthrough));
            }
        }
        return job;
    }

    private static ObjectNode readConfig(byte[] body) {
        if (body == null || body.length == 0) {
            throw EsException.of(400, "parse_exception", "request body is required");
        }
        try (JsonParser parser = ResultsRequestParser.STRICT_JSON.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                JsonLocation location = parser.currentTokenLocation();
                throw EsException.parse(location.getLineNr(), location.getColumnNr(),
                        "[job_details] Expected START_OBJECT but was: " + parser.currentToken(), null);
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonLocation location = parser.currentTokenLocation();
                if (!FIELDS.contains(field)) {
                    throw EsException.parse(location.getLineNr(), location.getColumnNr(),
                            "[job_details] unknown field [" + field + "]" + Suggestions.parserSuffix(field, FIELDS), null);
                }
                parser.nextToken();
                parser.skipChildren();
            }
            return (ObjectNode) JSON.readTree(body);
        } catch (JsonParseException e) {
            throw ResultsRequestParser.jsonSyntaxError(e);
        } catch (IOException e) {
            throw EsException.of(400, "x_content_parse_exception", String.valueOf(e.getMessage()));
        }
    }

    private static EsException statusException(String reason) {
        return EsException.of(400, "status_exception", reason);
    }
}
