package io.anomalykit.server.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one file of Elasticsearch's YAML REST test format (ESClientYamlSuiteTestCase's sections: setup, teardown, tests;
 * the steps do, match, length, is_true, is_false, gt, gte, lt, lte, set, contains, skip and requires) against a server.
 */
final class YamlSuiteRunner {

    enum Status { PASS, FAIL, SKIP, ERROR }

    /** One test's outcome; {@code detail} is the first failing assertion, the skip reason or the runner's trouble. */
    record Outcome(String test, Status status, String detail) {
    }

    /** A fault of the server (an assertion that does not hold). */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** A step the runner cannot carry out: the test says nothing about the server. */
    static final class RunnerGap extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RunnerGap(String message) {
            super(message, null, false, false);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory());
    /** The version Elasticsearch's skip ranges are tested against. */
    private static final int[] VERSION = {8, 19, 0};
    /** The runner features (skip/requires features) this runner has. */
    private static final Set<String> FEATURES = Set.of("headers", "warnings", "allowed_warnings", "warnings_regex",
            "allowed_warnings_regex", "contains", "stash_in_key", "stash_in_path", "catch_unauthorized", "default_shards",
            "transform_and_set");
    private static final Map<String, String> CATCHES = Map.of("missing", "404", "conflict", "409", "unauthorized", "401",
            "forbidden", "403", "bad_request", "400", "request_timeout", "408", "unavailable", "503");

    private final String baseUrl;
    private final String authorization;
    /**
     * Null, or the start of the prefix put before every index name that is not a results or system index, so that
     * the document and bulk suites, which write to indices like {@code test_1}, reach the server's results indices (it
     * refuses others). Each test gets its own prefix (this and a number), so no test sees another's documents whether
     * or not the server can delete an index; the prefix is taken out of every answer before the assertions read it.
     */
    private final String indexPrefix;
    private final Pattern indexPrefixes;
    private int testNumber;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** Every index a test named, so the wipe after it can delete them (there is no index listing to ask). */
    private final Set<String> touchedIndices = new TreeSet<>();

    private Map<String, JsonNode> stash;
    private Response last;

    YamlSuiteRunner(String baseUrl, String authorization, String indexPrefix) {
        this.baseUrl = baseUrl;
        this.authorization = authorization;
        this.indexPrefix = indexPrefix;
        this.indexPrefixes = indexPrefix == null ? null : Pattern.compile(Pattern.quote(indexPrefix) + "\\d+-");
    }

    private String indexName(String name) {
        return indexPrefix == null || name.startsWith(".") ? name : indexPrefix + testNumber + "-" + name;
    }

    Set<String> touchedIndices() {
        return touchedIndices;
    }

    /** Runs every test of the file; {@code wipe} runs after each, as ESRestTestCase wipes the cluster after each test. */
    List<Outcome> run(Path file, Runnable wipe) {
        JsonNode setup = null;
        JsonNode teardown = null;
        Map<String, JsonNode> tests = new LinkedHashMap<>();
        try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                if (document == null || document.isMissingNode() || document.isNull()) {
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> sections = document.fields(); sections.hasNext(); ) {
                    Map.Entry<String, JsonNode> section = sections.next();
                    switch (section.getKey()) {
                        case "setup" -> setup = section.getValue();
                        case "teardown" -> teardown = section.getValue();
                        default -> tests.put(section.getKey(), section.getValue());
                    }
                }
            }
        } catch (IOException e) {
            return List.of(new Outcome("(file)", Status.ERROR, "unreadable: " + e.getMessage()));
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Map.Entry<String, JsonNode> test : tests.entrySet()) {
            outcomes.add(runTest(test.getKey(), setup, test.getValue(), teardown));
            wipe.run();
        }
        return outcomes;
    }

    private Outcome runTest(String name, JsonNode setup, JsonNode steps, JsonNode teardown) {
        stash = new HashMap<>();
        last = null;
        testNumber++;
        String skip = skipReason(setup);
        if (skip == null) {
            skip = skipReason(steps);
        }
        if (skip != null) {
            return new Outcome(name, Status.SKIP, skip);
        }
        String phase = "setup";
        try {
            runSteps(setup);
            phase = "test";
            runSteps(steps);
            phase = "teardown";
            runSteps(teardown);
            return new Outcome(name, Status.PASS, "");
        } catch (Failure failure) {
            return new Outcome(name, Status.FAIL, phase.equals("test") ? failure.getMessage()
                    : "in " + phase + ": " + failure.getMessage());
        } catch (RunnerGap gap) {
            return new Outcome(name, Status.ERROR, gap.getMessage());
        } catch (RuntimeException e) {
            return new Outcome(name, Status.ERROR, "runner: " + e);
        } finally {
            if (!phase.equals("teardown") && teardown != null) {
                try {
                    runSteps(teardown);
                } catch (RuntimeException ignored) {
                    // the test already failed; its teardown is best effort before the wipe
                }
            }
        }
    }

    /** Why the steps' leading skip/requires sections skip them against 8.19 with this runner, or null. */
    private static String skipReason(JsonNode steps) {
        if (steps == null) {
            return null;
        }
        for (JsonNode step : steps) {
            if (step.has("skip")) {
                JsonNode skip = step.get("skip");
                for (String feature : strings(skip.get("features"))) {
                    if (!FEATURES.contains(feature)) {
                        return "runner feature [" + feature + "]";
                    }
                }
                if (skip.has("version") && versionMatches(skip.get("version").asText())) {
                    return "version " + skip.get("version").asText() + ": " + skip.path("reason").asText();
                }
                if (skip.has("cluster_features") || skip.has("awaits_fix") || skip.has("known_issues")) {
                    return "skip section: " + skip.path("reason").asText(skip.path("awaits_fix").asText());
                }
            } else if (step.has("requires")) {
                for (String feature : strings(step.get("requires").get("test_runner_features"))) {
                    if (!FEATURES.contains(feature)) {
                        return "runner feature [" + feature + "]";
                    }
                }
                // cluster_features: every historical feature the tests require is in 8.19, the version emulated
            }
        }
        return null;
    }

    private static List<String> strings(JsonNode node) {
        List<String> values = new ArrayList<>();
        if (node == null) {
            return values;
        }
        if (node.isArray()) {
            node.forEach(value -> values.add(value.asText()));
        } else {
            values.add(node.asText());
        }
        return values;
    }

    /** Whether 8.19.0 lies in one of the comma-separated ranges ("all", "a - b", " - b", "a - "). */
    static boolean versionMatches(String ranges) {
        for (String range : ranges.split(",")) {
            String trimmed = range.trim();
            if (trimmed.equals("all")) {
                return true;
            }
            String[] bounds = trimmed.split("-", -1);
            if (bounds.length != 2) {
                continue;
            }
            boolean aboveLow = bounds[0].isBlank() || compare(VERSION, parse(bounds[0].trim())) >= 0;
            boolean belowHigh = bounds[1].isBlank() || compare(VERSION, parse(bounds[1].trim())) <= 0;
            if (aboveLow && belowHigh) {
                return true;
            }
        }
        return false;
    }

    private static int[] parse(String version) {
        String[] parts = version.split("\\.");
        int[] numbers = new int[3];
        for (int i = 0; i < 3 && i < parts.length; i++) {
            numbers[i] = Integer.parseInt(parts[i].replaceAll("[^0-9].*", ""));
        }
        return numbers;
    }

    private static int compare(int[] a, int[] b) {
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return Integer.compare(a[i], b[i]);
            }
        }
        return 0;
    }

    private void runSteps(JsonNode steps) {
        if (steps == null) {
            return;
        }
        for (JsonNode step : steps) {
            Map.Entry<String, JsonNode> only = step.fields().next();
            JsonNode args = only.getValue();
            switch (only.getKey()) {
                case "skip", "requires" -> {
                }
                case "do" -> doStep(args);
                case "set" -> args.fields().forEachRemaining(e -> stash.put(e.getValue().asText(), value(e.getKey())));
                case "transform_and_set" -> args.fields().forEachRemaining(e -> stash.put(e.getKey(),
                        transform(e.getValue().asText())));
                case "match" -> each(args, (path, expected) -> match(path, expected));
                case "length" -> each(args, this::length);
                case "is_true" -> isTrue(args.asText(), true);
                case "is_false" -> isTrue(args.asText(), false);
                case "gt", "gte", "lt", "lte" -> each(args, (path, bound) -> compareStep(only.getKey(), path, bound));
                case "contains" -> each(args, this::contains);
                default -> throw new RunnerGap("runner: step [" + only.getKey() + "]");
            }
        }
    }

    private static final Pattern BASE64_CREDENTIALS = Pattern.compile("#base64EncodeCredentials\\((\\S+),(\\S+)\\)");

    /** The one transformation the suites use: base64 of "id:api_key" read from the last answer. */
    private JsonNode transform(String function) {
        Matcher credentials = BASE64_CREDENTIALS.matcher(function.replace(" ", ""));
        if (!credentials.matches()) {
            throw new RunnerGap("runner: transform " + function);
        }
        String pair = value(credentials.group(1)).asText() + ":" + value(credentials.group(2)).asText();
        return JsonNodeFactory.instance.textNode(Base64.getEncoder()
                .encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }

    private interface Assertion {
        void check(String path, JsonNode expected);
    }

    private void each(JsonNode args, Assertion assertion) {
        args.fields().forEachRemaining(e -> assertion.check(e.getKey(), resolve(e.getValue())));
    }

    private record Response(String method, int status, JsonNode body, String text) {
    }

    private void doStep(JsonNode args) {
        String catchValue = args.path("catch").asText(null);
        Map<String, String> headers = new LinkedHashMap<>();
        String api = null;
        JsonNode params = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = args.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            switch (field.getKey()) {
                case "catch", "warnings", "allowed_warnings", "warnings_regex", "allowed_warnings_regex",
                     "node_selector" -> {
                }
                case "headers" -> field.getValue().fields().forEachRemaining(h -> headers.put(h.getKey(),
                        resolve(h.getValue()).asText()));
                default -> {
                    api = field.getKey();
                    params = field.getValue();
                }
            }
        }
        if (api == null) {
            throw new RunnerGap("runner: do without an API");
        }
        if ("param".equals(catchValue)) {
            throw new RunnerGap("runner: catch param (a client-side check)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        Set<Integer> ignored = new HashSet<>();
        JsonNode body = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = params.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = resolve(field.getValue());
            switch (field.getKey()) {
                case "body" -> body = value;
                case "ignore" -> strings(value).forEach(status -> ignored.add(Integer.parseInt(status)));
                default -> values.put(field.getKey(), value.isArray() ? String.join(",", strings(value)) : value.asText());
            }
        }
        ApiRoutes.Route route = ApiRoutes.route(api, values.keySet());
        if (route == null) {
            throw new RunnerGap("runner: no route for API [" + api + "] with " + values.keySet());
        }
        String path = route.path();
        for (String part : route.parts()) {
            String value = values.remove(part);
            if (part.equals("index")) {
                List<String> names = Arrays.stream(value.split(",")).map(this::indexName).toList();
                touchedIndices.addAll(names);
                value = String.join(",", names);
            }
            path = path.replace("{" + part + "}", encode(value));
        }
        StringBuilder query = new StringBuilder();
        values.forEach((key, value) -> query.append(query.isEmpty() ? "?" : "&").append(encode(key)).append('=')
                .append(encode(value)));
        String payload = body == null ? null : payload(api, body);
        String contentType = headers.getOrDefault("Content-Type",
                ApiRoutes.ndjson(api) ? "application/x-ndjson" : "application/json");
        headers.remove("Content-Type");
        last = send(payload == null ? route.method() : route.bodyMethod(), path + query, payload, contentType, headers);
        checkCatch(api, catchValue, ignored);
    }

    private void checkCatch(String api, String catchValue, Set<Integer> ignored) {
        int status = last.status();
        if (catchValue == null) {
            boolean headMissing = last.method().equals("HEAD") && status == 404;
            if (status >= 400 && !ignored.contains(status) && !headMissing) {
                throw new Failure("do " + api + ": " + status + " " + abbreviate(last.text()));
            }
            return;
        }
        String code = CATCHES.get(catchValue);
        if (code != null) {
            if (!String.valueOf(status).equals(code)) {
                throw new Failure("do " + api + ": expected " + catchValue + " (" + code + ") but got " + status + " "
                        + abbreviate(last.text()));
            }
        } else if (catchValue.equals("request")) {
            // DoSection's "request": any error but those with a catch of their own
            if (status < 400 || Set.of(400, 401, 403, 404, 408, 409).contains(status)) {
                throw new Failure("do " + api + ": expected a request error but got " + status + " "
                        + abbreviate(last.text()));
            }
        } else if (catchValue.startsWith("/") && catchValue.endsWith("/")) {
            if (status < 400) {
                throw new Failure("do " + api + ": expected an error matching " + catchValue + " but got " + status);
            }
            // unlike match's regular expressions, catch's is plain: its spaces are part of the message
            Pattern pattern = Pattern.compile(catchValue.substring(1, catchValue.length() - 1));
            if (!pattern.matcher(last.text()).find()) {
                throw new Failure("do " + api + ": error " + status + " does not match " + catchValue + ": "
                        + abbreviate(last.text()));
            }
        } else {
            throw new RunnerGap("runner: catch [" + catchValue + "]");
        }
    }

    /** The request body: ndjson APIs take each line (object or string) on its own line; others one document. */
    private String payload(String api, JsonNode body) {
        if (ApiRoutes.ndjson(api)) {
            if (body.isTextual()) {
                return body.asText().endsWith("\n") ? body.asText() : body.asText() + "\n";
            }
            StringBuilder lines = new StringBuilder();
            for (JsonNode element : body) {
                JsonNode line = element;
                if (line.isTextual()) {
                    try {
                        line = JSON.readTree(line.asText());
                    } catch (IOException notJson) {
                        lines.append(element.asText()).append('\n');
                        continue;
                    }
                }
                JsonNode action = line.isObject() && line.size() == 1 ? line.elements().next() : null;
                if (action instanceof ObjectNode metadata && metadata.has("_index")) {
                    String index = indexName(metadata.get("_index").asText());
                    metadata.put("_index", index);
                    touchedIndices.add(index);
                }
                lines.append(line).append('\n');
            }
            return lines.toString();
        }
        return body.isTextual() ? body.asText() : body.toString();
    }

    private Response send(String method, String pathAndQuery, String payload, String contentType,
                          Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery))
                .timeout(Duration.ofSeconds(60))
                .method(method, payload == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8));
        if (payload != null) {
            request.header("Content-Type", contentType);
        }
        if (!headers.containsKey("Authorization")) {
            request.header("Authorization", authorization);
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String text = indexPrefixes == null ? response.body() : indexPrefixes.matcher(response.body()).replaceAll("");
            JsonNode body;
            if (method.equals("HEAD")) {
                body = JsonNodeFactory.instance.booleanNode(response.statusCode() == 200);
            } else {
                try {
                    body = text.isEmpty() ? JsonNodeFactory.instance.missingNode() : JSON.readTree(text);
                } catch (IOException notJson) {
                    body = JsonNodeFactory.instance.textNode(text);
                }
            }
            return new Response(method, response.statusCode(), body, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Sends a request outside any test (the wipe between tests). */
    JsonNode call(String method, String pathAndQuery, String payload) {
        return send(method, pathAndQuery, payload, "application/json", Map.of()).body();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String text) {
        String flat = text.replaceAll("\\s+", " ");
        return flat.length() > 300 ? flat.substring(0, 300) + "…" : flat;
    }

    // --- stash -------------------------------------------------------------------------------------------------------

    private static final Pattern EMBEDDED = Pattern.compile("\\$\\{([^}]+)}");

    /** The node with stashed values put in for "$name" strings and "${name}" inside strings, at any depth. */
    private JsonNode resolve(JsonNode node) {
        if (node.isTextual()) {
            String text = node.asText();
            if (text.startsWith("$") && !text.startsWith("${") && stash.containsKey(text.substring(1))) {
                return stash.get(text.substring(1));
            }
            Matcher embedded = EMBEDDED.matcher(text);
            if (embedded.find()) {
                StringBuilder replaced = new StringBuilder();
                embedded.reset();
                while (embedded.find()) {
                    JsonNode value = stash.get(embedded.group(1));
                    embedded.appendReplacement(replaced, Matcher.quoteReplacement(value == null ? embedded.group() : value.asText()));
                }
                embedded.appendTail(replaced);
                return JsonNodeFactory.instance.textNode(replaced.toString());
            }
            String trimmed = text.trim();
            if (trimmed.startsWith("{") && trimmed.contains("\"$")) {
                try {
                    return resolve(JSON.readTree(trimmed));
                } catch (IOException notJson) {
                    return node;
                }
            }
            return node;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey(), resolve(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> copy.add(resolve(element)));
            return copy;
        }
        return node;
    }

    // --- assertions --------------------------------------------------------------------------------------------------

    /** The value at an ES object path ("a.b.0.c", "\." for a literal dot, "$body" or "" for the whole body). */
    private JsonNode value(String path) {
        if (last == null) {
            throw new RunnerGap("runner: assertion before any do");
        }
        JsonNode current = last.body();
        if (path.isEmpty() || path.equals("$body")) {
            return current;
        }
        for (String raw : path.split("(?<!\\\\)\\.")) {
            String key = raw.replace("\\.", ".");
            if (key.startsWith("$") && stash.containsKey(key.substring(1))) {
                key = stash.get(key.substring(1)).asText();
            }
            if (current.isArray() && key.matches("\\d+")) {
                current = current.path(Integer.parseInt(key));
            } else {
                current = current.path(key);
            }
        }
        return current;
    }

    private void match(String path, JsonNode expected) {
        JsonNode actual = value(path);
        if (expected.isTextual() && expected.asText().trim().startsWith("/") && expected.asText().trim().endsWith("/")
                && expected.asText().trim().length() > 1) {
            String regex = expected.asText().trim();
            Pattern pattern = Pattern.compile(regex.substring(1, regex.length() - 1), Pattern.COMMENTS);
            if (actual.isMissingNode() || !pattern.matcher(actual.isValueNode() ? actual.asText() : actual.toString()).find()) {
                throw new Failure("match " + path + ": " + abbreviate(actual.toString()) + " does not match " + regex);
            }
            return;
        }
        if (!same(expected, actual)) {
            throw new Failure("match " + path + ": expected " + abbreviate(expected.toString()) + " but was "
                    + (actual.isMissingNode() ? "missing" : abbreviate(actual.toString())));
        }
    }

    /** Equality as the YAML tests mean it: numbers by value whatever their type, strings against numbers by text. */
    private static boolean same(JsonNode expected, JsonNode actual) {
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (expected.isNull()) {
            return actual.isNull() || actual.isMissingNode();
        }
        if (expected.isObject() && actual.isObject()) {
            if (expected.size() != actual.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!same(field.getValue(), actual.path(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!same(expected.get(i), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isValueNode() && actual.isValueNode() && (expected.isTextual() || actual.isTextual())) {
            return expected.asText().equals(actual.asText());
        }
        return expected.equals(actual);
    }

    private void length(String path, JsonNode expected) {
        JsonNode actual = value(path);
        int size = actual.isTextual() ? actual.asText().length() : actual.size();
        if (actual.isMissingNode() || size != expected.asInt()) {
            throw new Failure("length " + path + ": expected " + expected.asInt() + " but was "
                    + (actual.isMissingNode() ? "missing" : size));
        }
    }

    private void isTrue(String path, boolean expected) {
        JsonNode actual = value(path);
        // IsTrueAssertion and IsFalseAssertion read the value's text: absent, "", "false" (any case) and "0" are false
        String text = actual.isValueNode() ? actual.asText() : actual.toString();
        boolean truthy = !(actual.isMissingNode() || actual.isNull() || text.isEmpty() || text.equalsIgnoreCase("false")
                || text.equals("0"));
        if (truthy != expected) {
            throw new Failure((expected ? "is_true " : "is_false ") + path + ": was "
                    + (actual.isMissingNode() ? "missing" : abbreviate(actual.toString())));
        }
    }

    private void compareStep(String operator, String path, JsonNode bound) {
        JsonNode actual = value(path);
        if (!actual.isNumber()) {
            throw new Failure(operator + " " + path + ": not a number: " + actual);
        }
        int order = actual.decimalValue().compareTo(bound.decimalValue());
        boolean holds = switch (operator) {
            case "gt" -> order > 0;
            case "gte" -> order >= 0;
            case "lt" -> order < 0;
            default -> order <= 0;
        };
        if (!holds) {
            throw new Failure(operator + " " + path + ": " + actual + " vs " + bound);
        }
    }

    private void contains(String path, JsonNode expected) {
        JsonNode actual = value(path);
        for (JsonNode element : actual) {
            if (expected.isObject() && element.isObject()) {
                boolean all = true;
                for (Iterator<Map.Entry<String, JsonNode>> fields = expected.fields(); fields.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    all &= same(field.getValue(), element.path(field.getKey()));
                }
                if (all) {
                    return;
                }
            } else if (same(expected, element)) {
                return;
            }
        }
        throw new Failure("contains " + path + ": " + abbreviate(expected.toString()) + " not in "
                + abbreviate(actual.toString()));
    }
}
