package io.anomalykit.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.RestParams;

import java.util.Arrays;
import java.util.List;

/**
 * Which part of a document's source a get answers with, from {@code _source}, {@code _source_includes} and
 * {@code _source_excludes} as {@code FetchSourceContext.parseFromRestRequest} reads them: {@code _source=true|false}, or
 * a field list that stands for the includes; {@code _source_includes} replaces that list.
 *
 * <p>Only top-level field names are filtered: a name includes or excludes that field with everything under it, an
 * exclusion winning, as {@code XContentMapValues.filter} does for them. Patterns with a wildcard or an object path are
 * refused, since in Elasticsearch they also reach into objects and arrays of objects, which this filter does not.
 *
 * @param fetch    whether the answer has a {@code _source} at all
 * @param includes the fields kept; empty keeps every field
 * @param excludes the fields left out
 */
record SourceFilter(boolean fetch, List<String> includes, List<String> excludes) {

    static SourceFilter parse(RestParams params) {
        boolean fetch = true;
        List<String> includes = List.of();
        String source = params.get("_source");
        if ("true".equals(source) || "false".equals(source)) {
            fetch = Boolean.parseBoolean(source);
        } else if (source != null) {
            includes = fields(source);
        }
        String sourceIncludes = params.get("_source_includes");
        if (sourceIncludes != null) {
            includes = fields(sourceIncludes);
        }
        String sourceExcludes = params.get("_source_excludes");
        return new SourceFilter(fetch, includes, sourceExcludes == null ? List.of() : fields(sourceExcludes));
    }

    /** {@code Strings.splitStringByCommaToArray}: empty names are dropped. */
    private static List<String> fields(String list) {
        List<String> fields = Arrays.stream(list.split(",")).filter(field -> !field.isEmpty()).toList();
        for (String field : fields) {
            if (field.contains("*") || field.contains(".")) {
                throw EsException.illegalArgument("source filtering by [" + field + "] is not supported by this server: "
                        + "only top-level field names without wildcards are");
            }
        }
        return fields;
    }

    /** The source as filtered; the document's own field order is kept. */
    ObjectNode apply(ObjectNode source) {
        if (!includes.isEmpty()) {
            source.retain(includes);
        }
        source.remove(excludes);
        return source;
    }
}
