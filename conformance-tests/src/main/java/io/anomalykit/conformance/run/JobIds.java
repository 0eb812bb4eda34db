package io.anomalykit.conformance.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.service.Dataset;

import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The one place where the datasets' job ids get the run's prefix: in a case's request (path, query, body) and in what
 * it expects back (body, values, reason), and in a dataset's jobs and results (job ids, write aliases, document ids).
 * An id is renamed wherever it starts a name: not inside a longer word, but after the {@code -} of a write alias
 * ({@code .ml-anomalies-.write-it-ops-kpi}) and before the {@code _} of a result id ({@code it-ops-kpi_record_...}).
 */
public final class JobIds {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String prefix;
    private final Pattern starts;

    /** Puts {@code prefix} before each of {@code jobIds}; an empty prefix renames nothing. */
    public JobIds(String prefix, Set<String> jobIds) {
        this.prefix = prefix;
        String alternatives = jobIds.stream().sorted(Comparator.comparingInt(String::length).reversed())
                .map(Pattern::quote).collect(Collectors.joining("|"));
        this.starts = prefix.isEmpty() || jobIds.isEmpty() ? null
                : Pattern.compile("(?<![A-Za-z0-9_])(?=(?:" + alternatives + ")(?![A-Za-z0-9]))");
    }

    String rename(String text) {
        return starts == null || text == null ? text : starts.matcher(text).replaceAll(Matcher.quoteReplacement(prefix));
    }

    Case rename(Case c) {
        if (starts == null) {
            return c;
        }
        Case.Request request = c.request();
        Case.Expectation expect = c.expect();
        return new Case(c.id(), c.level(), c.kind(), c.title(), c.source(), c.ledger(), c.dataset(), c.needs(),
                new Case.Request(request.method(), rename(request.path()), renameValues(request.query()),
                        rename(request.body()), rename(request.rawBody()), request.contentType(), request.persona(),
                        request.headers(), request.format()),
                new Case.Expectation(expect.status(), expect.errorType(), rename(expect.reasonContains()),
                        expect.headers(), expect.absentHeaders(), rename(expect.body()), expect.prefixArrays(),
                        renameNodes(expect.at()), expect.lengths(), expect.sortedBy(), expect.validateSchema()));
    }

    /** The dataset with its jobs, aliases, result ids and the job ids inside its results renamed. */
    public Dataset rename(Dataset dataset) {
        if (starts == null) {
            return dataset;
        }
        Map<String, ObjectNode> jobs = new LinkedHashMap<>();
        dataset.jobs().forEach((id, body) -> jobs.put(rename(id), (ObjectNode) rename(body)));
        return new Dataset(dataset.name(), jobs, rename(dataset.bulkBody()));
    }

    private JsonNode rename(JsonNode node) {
        if (node == null) {
            return null;
        }
        try {
            return JSON.readTree(rename(JSON.writeValueAsString(node)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a renamed body no longer parses", e);
        }
    }

    private Map<String, String> renameValues(Map<String, String> values) {
        Map<String, String> renamed = new LinkedHashMap<>();
        values.forEach((key, value) -> renamed.put(key, rename(value)));
        return renamed;
    }

    private Map<String, JsonNode> renameNodes(Map<String, JsonNode> values) {
        Map<String, JsonNode> renamed = new LinkedHashMap<>();
        values.forEach((key, value) -> renamed.put(key, rename(value)));
        return renamed;
    }
}
