package io.anomalykit.server.write;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultsRequestParser;
import io.anomalykit.server.write.StrictObjectReader.ValueType;

import java.io.IOException;
import java.text.MessageFormat;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A create-job body read as {@code Job.STRICT_PARSER} reads it, with what each part checks and fills in while it is
 * parsed ({@code Detector.Builder.build}, {@code AnalysisConfig.Builder.build}, the {@code AnalysisLimits},
 * {@code DataDescription} and {@code ModelPlotConfig} constructors): the answer is the body's top-level fields, its
 * {@code analysis_config}, {@code data_description} and {@code model_plot_config} already normalised and in
 * Elasticsearch's field order, {@code analysis_limits} as given (its defaults come at creation).
 */
final class JobConfigParser {

    private static final String ML_CATEGORY = "mlcategory";

    /** {@code Detector.COUNT_WITHOUT_FIELD_FUNCTIONS}. */
    private static final Set<String> COUNT_WITHOUT_FIELD = Set.of("count", "high_count", "low_count", "non_zero_count",
            "low_non_zero_count", "high_non_zero_count", "time_of_day", "time_of_week");
    /** {@code Detector.FIELD_NAME_FUNCTIONS}. */
    private static final Set<String> FIELD_NAME_REQUIRED = Set.of("distinct_count", "low_distinct_count",
            "high_distinct_count", "info_content", "low_info_content", "high_info_content", "metric", "mean", "avg",
            "high_mean", "high_avg", "low_mean", "low_avg", "median", "low_median", "high_median", "min", "max", "sum",
            "low_sum", "high_sum", "non_null_sum", "low_non_null_sum", "high_non_null_sum", "varp", "low_varp",
            "high_varp", "lat_long");
    private static final Set<String> BY_FIELD_REQUIRED = Set.of("rare", "freq_rare");
    private static final Set<String> OVER_FIELD_REQUIRED = Set.of("freq_rare");
    private static final Set<String> NO_OVER_FIELD = Set.of("non_zero_count", "low_non_zero_count", "high_non_zero_count");
    /** {@code DetectorFunction} in declaration order, with the shortcuts {@code fromString} accepts. */
    private static final List<String> FUNCTIONS = List.of("count", "low_count", "high_count", "non_zero_count:nzc",
            "low_non_zero_count:low_nzc", "high_non_zero_count:high_nzc", "distinct_count:dc", "low_distinct_count:low_dc",
            "high_distinct_count:high_dc", "rare", "freq_rare", "info_content", "low_info_content", "high_info_content",
            "metric", "mean", "low_mean", "high_mean", "avg", "low_avg", "high_avg", "median", "low_median",
            "high_median", "min", "max", "sum", "low_sum", "high_sum", "non_null_sum", "low_non_null_sum",
            "high_non_null_sum", "varp", "low_varp", "high_varp", "time_of_day", "time_of_week", "lat_long");
    private static final Pattern NEEDS_QUOTING = Pattern.compile("\\W");
    /** {@code RecordWriter.CONTROL_FIELD_NAME}. */
    private static final String CONTROL_FIELD = ".";
    private static final long MINIMUM_MODEL_PRUNE_WINDOW_BUCKETS = 2;
    /** {@code CategorizationAnalyzerConfig.Builder.addDateWordsTokenFilter}'s stop words. */
    private static final List<String> DATE_WORDS = List.of("Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
            "Saturday", "Sunday", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "January", "February", "March", "April",
            "May", "June", "July", "August", "September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr",
            "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "GMT", "UTC");
    private static final long BYTES_PER_MB = 1024L * 1024L;

    private static final StrictObjectReader DETECTOR = new StrictObjectReader("detector")
            .declare("detector_description", ValueType.STRING)
            .declare("function", ValueType.STRING, parser -> TextNode.valueOf(function(parser.getText())))
            .declare("field_name", ValueType.STRING)
            .declare("by_field_name", ValueType.STRING)
            .declare("over_field_name", ValueType.STRING)
            .declare("partition_field_name", ValueType.STRING)
            .declare("use_null", ValueType.BOOLEAN)
            .declare("exclude_frequent", ValueType.STRING, parser -> TextNode.valueOf(excludeFrequent(parser.getText())))
            .declare("custom_rules", ValueType.OBJECT_ARRAY,
                    parser -> StrictObjectReader.objectArray(parser, StrictObjectReader::tree))
            .declare("detector_index", ValueType.LONG);

    private static final StrictObjectReader PER_PARTITION = new StrictObjectReader("per_partition_categorization")
            .declare("enabled", ValueType.BOOLEAN)
            .declare("stop_on_warn", ValueType.BOOLEAN);

    private static final StrictObjectReader ANALYSIS_CONFIG = new StrictObjectReader("analysis_config")
            .declare("detectors", ValueType.OBJECT_ARRAY, parser -> StrictObjectReader.objectArray(parser,
                    detector -> detector(DETECTOR.read(detector))))
            .declare("bucket_span", ValueType.STRING, StrictObjectReader::tree, value -> duration(value, "bucket_span"))
            .declare("categorization_field_name", ValueType.STRING)
            .declare("categorization_filters", ValueType.STRING_ARRAY)
            .declare("categorization_analyzer", ValueType.OBJECT_OR_STRING, StrictObjectReader::tree)
            .declare("per_partition_categorization", ValueType.OBJECT, PER_PARTITION::read)
            .declare("latency", ValueType.STRING, StrictObjectReader::tree, value -> duration(value, "latency"))
            .declare("summary_count_field_name", ValueType.STRING)
            .declare("influencers", ValueType.STRING_ARRAY)
            .declare("multivariate_by_fields", ValueType.BOOLEAN)
            .declare("model_prune_window", ValueType.STRING, StrictObjectReader::tree,
                    value -> duration(value, "model_prune_window"))
            .constructedFrom(List.of("detectors"), List.of("detectors"), values -> { });

    private static final StrictObjectReader ANALYSIS_LIMITS = new StrictObjectReader("analysis_limits")
            .declare("model_memory_limit", ValueType.VALUE, JobConfigParser::modelMemoryLimitMb)
            .declare("categorization_examples_limit", ValueType.LONG)
            .constructedFrom(List.of("model_memory_limit", "categorization_examples_limit"), List.of(),
                    JobConfigParser::analysisLimits);

    private static final StrictObjectReader DATA_DESCRIPTION = new StrictObjectReader("data_description")
            .declare("format", ValueType.STRING, parser -> TextNode.valueOf(dataFormat(parser.getText())))
            .declare("time_field", ValueType.STRING)
            .declare("time_format", ValueType.STRING, parser -> TextNode.valueOf(timeFormat(parser.getText())));

    private static final StrictObjectReader MODEL_PLOT = new StrictObjectReader("model_plot_config")
            .declare("enabled", ValueType.BOOLEAN)
            .declare("terms", ValueType.STRING)
            .declare("annotations_enabled", ValueType.BOOLEAN)
            .constructedFrom(List.of("enabled", "terms", "annotations_enabled"), List.of("enabled"), values -> { });

    private static final StrictObjectReader JOB = new StrictObjectReader("job_details")
            .declare("job_id", ValueType.STRING)
            .declare("job_type", ValueType.STRING)
            .declare("job_version", ValueType.STRING)
            .declare("groups", ValueType.STRING_ARRAY)
            .declare("description", ValueType.STRING_OR_NULL)
            .declare("create_time", ValueType.VALUE, StrictObjectReader::tree)
            .declare("finished_time", ValueType.VALUE, StrictObjectReader::tree)
            .declare("analysis_config", ValueType.OBJECT, parser -> analysisConfig(ANALYSIS_CONFIG.read(parser)))
            .declare("analysis_limits", ValueType.OBJECT, ANALYSIS_LIMITS::read)
            .declare("data_description", ValueType.OBJECT, parser -> dataDescription(DATA_DESCRIPTION.read(parser)))
            .declare("model_plot_config", ValueType.OBJECT, parser -> modelPlotConfig(MODEL_PLOT.read(parser)))
            .declare("renormalization_window_days", ValueType.LONG)
            .declare("background_persist_interval", ValueType.STRING,
                    parser -> time(parser, "background_persist_interval"))
            .declare("results_retention_days", ValueType.LONG)
            .declare("system_annotations_retention_days", ValueType.LONG)
            .declare("model_snapshot_retention_days", ValueType.LONG)
            .declare("daily_model_snapshot_retention_after_days", ValueType.LONG)
            .declare("custom_settings", ValueType.OBJECT, StrictObjectReader::tree)
            .declare("model_snapshot_id", ValueType.STRING_OR_NULL)
            .declare("model_snapshot_min_version", ValueType.STRING_OR_NULL)
            .declare("results_index_name", ValueType.STRING)
            .declare("deleting", ValueType.BOOLEAN)
            .declare("allow_lazy_open", ValueType.BOOLEAN)
            .declare("blocked", ValueType.OBJECT, StrictObjectReader::tree)
            .declare("datafeed_config", ValueType.OBJECT, StrictObjectReader::tree);

    private JobConfigParser() {
    }

    /** The body's fields, parsed, checked and normalised part by part; fails as Elasticsearch's parser fails. */
    static ObjectNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            throw EsException.of(400, "parse_exception", "request body is required");
        }
        try (JsonParser parser = ResultsRequestParser.STRICT_JSON.createParser(body)) {
            parser.nextToken();
            return JOB.read(parser);
        } catch (JsonParseException e) {
            throw ResultsRequestParser.jsonSyntaxError(e);
        } catch (IOException e) {
            throw EsException.of(400, "x_content_parse_exception", String.valueOf(e.getMessage()));
        }
    }

    /** {@code Messages.getMessage}: {@code MessageFormat} in the root locale (numbers grouped as "3,600"). */
    static String message(String pattern, Object... arguments) {
        return new MessageFormat(pattern, Locale.ROOT).format(arguments);
    }

    /** {@code ExceptionsHelper.badRequestException}: an {@code ElasticsearchStatusException} with status 400. */
    static EsException badRequest(String reason) {
        return EsException.of(400, "status_exception", reason);
    }

    private static TextNode time(JsonParser parser, String setting) throws IOException {
        return TextNode.valueOf(duration(TextNode.valueOf(parser.getText()), setting).stringRep());
    }

    private static TimeValue duration(JsonNode value, String setting) {
        return TimeValue.parse(value.asText(), setting);
    }

    /** {@code DetectorFunction.fromString}: a full name or shortcut, answered as the full name. */
    private static String function(String name) {
        for (String function : FUNCTIONS) {
            List<String> names = List.of(function.split(":"));
            if (names.contains(name)) {
                return names.get(0);
            }
        }
        throw EsException.illegalArgument(message("Unknown function ''{0}''", name));
    }

    private static String excludeFrequent(String value) {
        String upper = value.toUpperCase(Locale.ROOT);
        if (!Set.of("ALL", "NONE", "BY", "OVER").contains(upper)) {
            throw EsException.illegalArgument("No enum constant org.elasticsearch.xpack.core.ml.job.config.Detector."
                    + "ExcludeFrequent." + upper);
        }
        return upper.toLowerCase(Locale.ROOT);
    }

    /**
     * {@code DataDescription.DataFormat.forString}: only {@code xcontent} is left in 8.x; the old {@code delimited} is
     * tolerated and becomes it.
     */
    private static String dataFormat(String value) {
        String upper = value.toUpperCase(Locale.ROOT);
        if (!upper.equals("XCONTENT") && !upper.equals("DELIMITED")) {
            throw EsException.illegalArgument("No enum constant org.elasticsearch.xpack.core.ml.job.config."
                    + "DataDescription.DataFormat." + upper);
        }
        return "xcontent";
    }

    /**
     * {@code DataDescription.Builder.setTimeFormat}: {@code epoch}, {@code epoch_ms}, or a {@code DateTimeFormatter}
     * pattern that formats and parses back a whole timestamp ({@code DateTimeFormatterTimestampConverter.ofPattern}).
     */
    private static String timeFormat(String format) {
        if (format.equals("epoch") || format.equals("epoch_ms")) {
            return format;
        }
        try {
            DateTimeFormatter formatter = DateTimeFormatter.ofPattern(format, Locale.ROOT).withZone(ZoneOffset.UTC);
            ZonedDateTime.parse(formatter.format(ZonedDateTime.now(ZoneOffset.UTC)), formatter);
            return format;
        } catch (RuntimeException invalid) {
            throw badRequest(message("Invalid Time format string ''{0}''", format));
        }
    }

    /**
     * {@code AnalysisLimits}' {@code model_memory_limit}: a number is megabytes; a string is a byte size
     * ({@code ByteSizeValue.parseBytesSizeValue}) in whole megabytes, rounded down.
     */
    private static JsonNode modelMemoryLimitMb(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_STRING) {
            return LongNode.valueOf(bytes(parser.getText(), "model_memory_limit") / BYTES_PER_MB);
        }
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return LongNode.valueOf(StrictObjectReader.longValue(parser));
        }
        throw EsException.illegalArgument("Unsupported token [" + ResultsRequestParser.tokenName(token) + "]");
    }

    private static long bytes(String value, String setting) {
        String normalized = value.toLowerCase(Locale.ROOT).trim();
        if (normalized.equals("-1")) {
            return -1;
        }
        if (normalized.equals("0")) {
            return 0;
        }
        String[][] units = {{"kb", "k"}, {"mb", "m"}, {"gb", "g"}, {"tb", "t"}, {"pb", "p"}, {"b"}};
        for (int power = 0; power < units.length; power++) {
            for (String suffix : units[power]) {
                if (normalized.endsWith(suffix)) {
                    String amount = normalized.substring(0, normalized.length() - suffix.length()).trim();
                    long multiplier = suffix.equals("b") ? 1 : 1L << (10 * (power + 1));
                    try {
                        return (long) (Double.parseDouble(amount) * multiplier);
                    } catch (NumberFormatException e) {
                        throw EsException.of(400, "parse_exception", "failed to parse [" + value + "]");
                    }
                }
            }
        }
        throw EsException.of(400, "parse_exception", "failed to parse setting [" + setting + "] with value [" + value
                + "] as a size in bytes: unit is missing or unrecognized");
    }

    /** {@code Detector.Builder.build}: the rules on fields per function, then the detector in its rendered order. */
    private static ObjectNode detector(ObjectNode given) {
        String function = given.has("function") ? given.get("function").asText() : null;
        String field = text(given, "field_name");
        String by = text(given, "by_field_name");
        String over = text(given, "over_field_name");
        String partition = text(given, "partition_field_name");
        boolean noField = field == null || field.isEmpty();
        boolean noBy = by == null || by.isEmpty();
        boolean noOver = over == null || over.isEmpty();
        if (noField && noBy && noOver && !isIn(COUNT_WITHOUT_FIELD, function)) {
            throw badRequest("Unless a count or temporal function is used one of field_name, by_field_name or "
                    + "over_field_name must be set");
        }
        if (noField && isIn(FIELD_NAME_REQUIRED, function)) {
            throw badRequest(message("field_name must be set when the ''{0}'' function is used", function));
        }
        if (!noField && !isIn(FIELD_NAME_REQUIRED, function)) {
            throw badRequest(message("field_name cannot be used with function ''{0}''", function));
        }
        if (noBy && isIn(BY_FIELD_REQUIRED, function)) {
            throw badRequest(message("by_field_name must be set when the ''{0}'' function is used", function));
        }
        if (noOver && isIn(OVER_FIELD_REQUIRED, function)) {
            throw badRequest(message("over_field_name must be set when the ''{0}'' function is used", function));
        }
        if (!noOver && isIn(NO_OVER_FIELD, function)) {
            throw badRequest(message("over_field_name cannot be used with function ''{0}''", function));
        }
        for (String name : new String[] {field, by, over, partition}) {
            verifyFieldName(name);
        }
        if (partition != null && !partition.isEmpty()) {
            sameFields("partition_field_name", "by_field_name", partition, by);
            sameFields("partition_field_name", "over_field_name", partition, over);
        }
        if (!noBy) {
            sameFields("by_field_name", "over_field_name", by, over);
        }
        for (String reserved : List.of("count", "by", "over")) {
            for (String role : List.of("by_field_name", "over_field_name")) {
                if (reserved.equals(role.equals("by_field_name") ? by : over)) {
                    throw badRequest(message("''{0}'' is not a permitted value for {1}", reserved, role));
                }
            }
        }
        List<JsonNode> rules = new ArrayList<>();
        given.path("custom_rules").forEach(rule -> rules.add(rule(rule)));

        String effective = function == null ? "metric" : function;
        ObjectNode out = StrictObjectReader.JSON.createObjectNode();
        out.put("detector_description", given.has("detector_description")
                ? given.get("detector_description").asText() : description(effective, given));
        out.put("function", effective);
        for (String name : List.of("field_name", "by_field_name", "over_field_name", "partition_field_name")) {
            if (given.has(name)) {
                out.set(name, given.get(name));
            }
        }
        if (given.path("use_null").asBoolean(false)) {
            out.put("use_null", true);
        }
        if (given.has("exclude_frequent")) {
            out.set("exclude_frequent", given.get("exclude_frequent"));
        }
        if (!rules.isEmpty()) {
            out.putArray("custom_rules").addAll(rules);
        }
        return out;
    }

    /** {@code EnumSet.contains}: a detector without a function is in none of the sets. */
    private static boolean isIn(Set<String> functions, String function) {
        return function != null && functions.contains(function);
    }

    private static String text(ObjectNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    private static void sameFields(String first, String second, String value, String other) {
        if (value.equals(other)) {
            throw badRequest(message("{0} and {1} cannot be the same: ''{2}''", first, second, value));
        }
    }

    /** {@code Detector.Builder.verifyFieldName}: no quote, backslash or control character, and not the control field. */
    private static void verifyFieldName(String field) {
        if (field == null) {
            return;
        }
        if (field.indexOf('"') >= 0 || field.indexOf('\\') >= 0 || field.chars().anyMatch(Character::isISOControl)) {
            throw badRequest(message("Invalid field name ''{0}''. Field names including over, by and partition fields "
                    + "cannot contain any of these characters: {1}", field, "\",\\"));
        }
        if (field.equals(CONTROL_FIELD)) {
            throw badRequest(message("Invalid field name ''{0}''. Field names including over, by and partition fields "
                    + "cannot be ''{1}''", field, CONTROL_FIELD));
        }
    }

    /**
     * {@code DetectionRule} as rendered: {@code actions} (default {@code skip_result}), {@code scope} (each filter's
     * {@code filter_type} defaulting to {@code include}), {@code conditions}; a rule needs a scope or a condition.
     */
    private static JsonNode rule(JsonNode given) {
        JsonNode scope = given.path("scope");
        JsonNode conditions = given.path("conditions");
        if (scope.isEmpty() && conditions.isEmpty()) {
            throw badRequest("Invalid detector rule: at least scope or a condition is required");
        }
        ObjectNode out = StrictObjectReader.JSON.createObjectNode();
        if (given.has("actions")) {
            out.set("actions", given.get("actions"));
        } else {
            out.putArray("actions").add("skip_result");
        }
        if (!scope.isEmpty()) {
            ObjectNode scopeOut = out.putObject("scope");
            scope.properties().forEach(entry -> {
                if (!entry.getValue().path("filter_id").isTextual()) {
                    throw EsException.illegalArgument("Required [filter_id]");
                }
                ObjectNode filter = scopeOut.putObject(entry.getKey());
                filter.set("filter_id", entry.getValue().get("filter_id"));
                filter.put("filter_type", entry.getValue().path("filter_type").asText("include"));
            });
        }
        if (!conditions.isEmpty()) {
            out.set("conditions", conditions);
        }
        return out;
    }

    /** {@code DefaultDetectorDescription.of}: function(field) by x over y [usenull=] [partitionfield=] [excludefrequent=]. */
    private static String description(String function, ObjectNode detector) {
        StringBuilder out = new StringBuilder(function);
        String field = text(detector, "field_name");
        if (field != null && !field.isEmpty()) {
            out.append('(').append(quoteIfNeeded(field)).append(')');
        }
        appendIfSet(out, " by ", text(detector, "by_field_name"));
        appendIfSet(out, " over ", text(detector, "over_field_name"));
        if (detector.path("use_null").asBoolean(false)) {
            out.append(" usenull=true");
        }
        appendIfSet(out, " partitionfield=", text(detector, "partition_field_name"));
        if (detector.has("exclude_frequent")) {
            out.append(" excludefrequent=").append(detector.get("exclude_frequent").asText());
        }
        return out.toString();
    }

    private static void appendIfSet(StringBuilder out, String token, String field) {
        if (field != null && !field.isEmpty()) {
            out.append(token).append(quoteIfNeeded(field));
        }
    }

    /** {@code MlStrings.doubleQuoteIfNotAlphaNumeric}. */
    private static String quoteIfNeeded(String field) {
        if (!NEEDS_QUOTING.matcher(field).find()) {
            return field;
        }
        return '"' + field.replace("\"", "\\\"") + '"';
    }

    /**
     * {@code AnalysisConfig.Builder.build}: {@code detectors} required (a constructor argument), detector indices
     * assigned in order, then the checks in Elasticsearch's order; the answer in {@code toXContent}'s order.
     */
    private static ObjectNode analysisConfig(ObjectNode given) {
        TimeValue bucketSpan = given.has("bucket_span") ? duration(given.get("bucket_span"), "bucket_span")
                : new TimeValue(5, TimeUnit.MINUTES);
        checkPositiveMultipleOfSecond(bucketSpan, "bucket_span");
        if (given.has("model_prune_window")) {
            verifyModelPruneWindow(duration(given.get("model_prune_window"), "model_prune_window"),
                    bucketSpan);
        }
        if (given.has("latency")) {
            TimeValue latency = duration(given.get("latency"), "latency");
            if (latency.nanos() < 0) {
                throw EsException.illegalArgument("latency cannot be less than 0. Value = " + latency);
            }
            checkMultipleOfSecond(latency, "latency");
        }
        ArrayNode detectors = (ArrayNode) given.get("detectors");
        if (detectors.isEmpty()) {
            throw badRequest("No detectors configured");
        }
        String summaryCount = text(given, "summary_count_field_name");
        String categorization = text(given, "categorization_field_name");
        verifyFieldName(summaryCount);
        verifyFieldName(categorization);
        verifyCategorization(given, detectors, categorization);
        if (summaryCount != null && !summaryCount.isEmpty()
                && detectors.findValuesAsText("function").contains("metric")) {
            throw badRequest("The 'metric' function cannot be used in jobs that will take pre-summarized input");
        }
        List<String> influencers = new ArrayList<>();
        given.path("influencers").forEach(influencer -> influencers.add(influencer.asText()));
        String previous = null;
        for (String term : termFields(detectors, influencers)) {
            if (previous != null && term.startsWith(previous + ".")) {
                throw badRequest("Fields [" + previous + "] and [" + term + "] cannot both be used in the same "
                        + "analysis_config");
            }
            previous = term;
        }

        ObjectNode out = StrictObjectReader.JSON.createObjectNode();
        out.put("bucket_span", bucketSpan.stringRep());
        copy(given, out, "categorization_field_name");
        if (categorization != null && !given.has("categorization_analyzer")) {
            out.set("categorization_analyzer", standardCategorizationAnalyzer(given.path("categorization_filters")));
        } else {
            copy(given, out, "categorization_filters", "categorization_analyzer");
        }
        if (categorization != null) {
            ObjectNode perPartition = out.putObject("per_partition_categorization");
            perPartition.put("enabled", given.path("per_partition_categorization").path("enabled").asBoolean(false));
            perPartition.put("stop_on_warn", given.path("per_partition_categorization").path("stop_on_warn").asBoolean(false));
        }
        if (given.has("latency")) {
            out.put("latency", duration(given.get("latency"), "latency").stringRep());
        }
        copy(given, out, "summary_count_field_name");
        ArrayNode detectorsOut = out.putArray("detectors");
        for (int index = 0; index < detectors.size(); index++) {
            detectorsOut.add(((ObjectNode) detectors.get(index)).put("detector_index", index));
        }
        out.putArray("influencers").addAll(given.has("influencers") ? (ArrayNode) given.get("influencers")
                : StrictObjectReader.JSON.createArrayNode());
        copy(given, out, "multivariate_by_fields");
        if (given.has("model_prune_window")) {
            out.put("model_prune_window", duration(given.get("model_prune_window"), "model_prune_window").stringRep());
        }
        return out;
    }

    /**
     * What a new categorization job gets when it names no analyzer ({@code JobManager} with
     * {@code CategorizationAnalyzerConfig.buildStandardCategorizationAnalyzer}): the first non-blank line, the
     * categorization filters as {@code pattern_replace} char filters (which replace them), the {@code ml_standard}
     * tokenizer and a stop filter for day and month names. Keys in the order Elasticsearch's hash maps give them.
     */
    private static ObjectNode standardCategorizationAnalyzer(JsonNode categorizationFilters) {
        ObjectNode analyzer = StrictObjectReader.JSON.createObjectNode();
        ArrayNode charFilters = analyzer.putArray("char_filter").add("first_non_blank_line");
        categorizationFilters.forEach(filter -> charFilters.addObject().put("pattern", filter.asText())
                .put("type", "pattern_replace"));
        analyzer.put("tokenizer", "ml_standard");
        ArrayNode stopwords = analyzer.putArray("filter").addObject().put("type", "stop").putArray("stopwords");
        DATE_WORDS.forEach(stopwords::add);
        return analyzer;
    }

    private static void copy(ObjectNode from, ObjectNode to, String... fields) {
        for (String field : fields) {
            if (from.has(field)) {
                to.set(field, from.get(field));
            }
        }
    }

    /** {@code AnalysisConfig.termFields}: by, over and partition fields and influencers, sorted, without "". */
    private static SortedSet<String> termFields(ArrayNode detectors, List<String> influencers) {
        SortedSet<String> terms = new TreeSet<>(influencers);
        for (JsonNode detector : detectors) {
            for (String role : List.of("by_field_name", "over_field_name", "partition_field_name")) {
                if (detector.hasNonNull(role)) {
                    terms.add(detector.get(role).asText());
                }
            }
        }
        terms.remove("");
        return terms;
    }

    /** {@code AnalysisConfig.analysisFields}: the term fields, categorization and summary count fields, field names. */
    static Set<String> analysisFields(JsonNode analysisConfig) {
        List<String> influencers = new ArrayList<>();
        analysisConfig.path("influencers").forEach(influencer -> influencers.add(influencer.asText()));
        SortedSet<String> fields = termFields((ArrayNode) analysisConfig.get("detectors"), influencers);
        for (String field : List.of("categorization_field_name", "summary_count_field_name")) {
            if (analysisConfig.hasNonNull(field)) {
                fields.add(analysisConfig.get(field).asText());
            }
        }
        analysisConfig.get("detectors").forEach(detector -> {
            if (detector.hasNonNull("field_name")) {
                fields.add(detector.get("field_name").asText());
            }
        });
        fields.remove("");
        return fields;
    }

    /** The categorization checks of {@code AnalysisConfig.Builder.build}, in its order. */
    private static void verifyCategorization(ObjectNode given, ArrayNode detectors, String categorization) {
        boolean mlCategoryUsed = termFields(detectors, List.of()).contains(ML_CATEGORY);
        if (mlCategoryUsed && categorization == null) {
            throw badRequest("categorization_field_name must be set for mlcategory to be available");
        }
        if (categorization != null && !mlCategoryUsed) {
            throw badRequest("categorization_field_name is set but mlcategory is not used in any detector "
                    + "by/over/partition field");
        }
        if (given.has("categorization_analyzer") && categorization == null) {
            throw badRequest("categorization_analyzer requires setting categorization_field_name");
        }
        List<String> filters = new ArrayList<>();
        given.path("categorization_filters").forEach(filter -> filters.add(filter.asText()));
        if (!filters.isEmpty()) {
            if (given.has("categorization_analyzer")) {
                throw badRequest("categorization_filters cannot be used with categorization_analyzer - instead specify "
                        + "them as pattern_replace char_filters in the analyzer");
            }
            if (categorization == null) {
                throw badRequest("categorization_filters require setting categorization_field_name");
            }
            if (filters.stream().distinct().count() != filters.size()) {
                throw badRequest("categorization_filters contain duplicates");
            }
            if (filters.contains("")) {
                throw badRequest("categorization_filters are not allowed to contain empty strings");
            }
            for (String filter : filters) {
                try {
                    Pattern.compile(filter);
                } catch (PatternSyntaxException invalid) {
                    throw badRequest(message("categorization_filters contains invalid regular expression ''{0}''", filter));
                }
            }
        }
        if (given.path("per_partition_categorization").path("enabled").asBoolean(false) && categorization == null) {
            throw badRequest("categorization_field_name must be set when per-partition categorization is enabled");
        }
    }

    /** {@code AnalysisConfig.Builder.verifyModelPruneWindow}. */
    private static void verifyModelPruneWindow(TimeValue window, TimeValue bucketSpan) {
        if (window.seconds() % bucketSpan.seconds() != 0) {
            throw badRequest("model_prune_window [" + window + "] must be a multiple of bucket_span [" + bucketSpan + "]");
        }
        if (window.seconds() / bucketSpan.seconds() < MINIMUM_MODEL_PRUNE_WINDOW_BUCKETS) {
            throw badRequest("model_prune_window [" + window + "] must be at least " + MINIMUM_MODEL_PRUNE_WINDOW_BUCKETS
                    + " times greater than bucket_span [" + bucketSpan + "]");
        }
    }

    /** {@code TimeUtils.checkPositiveMultiple(value, SECONDS, field)}. */
    private static void checkPositiveMultipleOfSecond(TimeValue value, String field) {
        if (value.nanos() <= 0) {
            throw EsException.illegalArgument(field + " cannot be less or equal than 0. Value = " + value);
        }
        checkMultipleOfSecond(value, field);
    }

    /** {@code TimeUtils.checkMultiple(value, SECONDS, field)}. */
    static void checkMultipleOfSecond(TimeValue value, String field) {
        if (value.nanos() % TimeUnit.SECONDS.toNanos(1) != 0) {
            throw EsException.illegalArgument(field + " has to be a multiple of 1s; actual was '" + value + "'");
        }
    }

    /** {@code new AnalysisLimits(modelMemoryLimitMb, categorizationExamplesLimit)}'s checks. */
    private static void analysisLimits(ObjectNode given) {
        if (given.has("model_memory_limit") && given.get("model_memory_limit").asLong() < 1) {
            throw badRequest(message("model_memory_limit must be at least {1}. Value = {0}",
                    given.get("model_memory_limit").asLong(), "1 MiB"));
        }
        if (given.has("categorization_examples_limit") && given.get("categorization_examples_limit").asLong() < 0) {
            throw badRequest(message("{0} cannot be less than {1,number}. Value = {2,number}",
                    "categorization_examples_limit", 0, given.get("categorization_examples_limit").asLong()));
        }
    }

    /** {@code DataDescription.toXContent}: {@code time_field} (default {@code time}), {@code time_format} ({@code epoch_ms}). */
    private static ObjectNode dataDescription(ObjectNode given) {
        ObjectNode out = StrictObjectReader.JSON.createObjectNode();
        out.put("time_field", given.path("time_field").asText("time"));
        out.put("time_format", given.path("time_format").asText("epoch_ms"));
        return out;
    }

    /** {@code ModelPlotConfig}: {@code enabled} required, {@code terms}, {@code annotations_enabled} defaulting to enabled. */
    private static ObjectNode modelPlotConfig(ObjectNode given) {
        ObjectNode out = StrictObjectReader.JSON.createObjectNode();
        out.set("enabled", given.get("enabled"));
        copy(given, out, "terms");
        out.put("annotations_enabled", given.path("annotations_enabled").asBoolean(given.get("enabled").asBoolean()));
        return out;
    }
}
