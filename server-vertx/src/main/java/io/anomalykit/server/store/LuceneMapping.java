package io.anomalykit.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.Dates;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FieldInfos;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.NumericUtils;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The results mapping of the embedded store: how each field of a result document is indexed (see
 * {@link LuceneFields}), the known fields typed by {@link ResultsMapping} and the others mapped dynamically from their
 * first value, as Elasticsearch's results index template maps them. A value that does not fit its field's type fails
 * the document as a mapping failure does.
 */
final class LuceneMapping {

    /** Lucene's limit on a keyword's bytes in doc values; longer keywords are searchable but not sortable. */
    private static final int MAX_KEYWORD_BYTES = 8191;

    /** Dynamic fields seen so far and how they were first mapped. */
    private final Map<String, ResultsMapping.Kind> dynamic = new ConcurrentHashMap<>();

    /** Learns the dynamic fields an existing index already holds. */
    void learn(IndexReader reader) {
        for (FieldInfo info : FieldInfos.getMergedFieldInfos(reader)) {
            String keyword = LuceneFields.keywordFieldOf(info.name);
            if (keyword != null) {
                dynamic.putIfAbsent(keyword, ResultsMapping.Kind.KEYWORD);
            }
            String number = LuceneFields.numberFieldOf(info.name);
            if (number != null) {
                dynamic.putIfAbsent(number, ResultsMapping.Kind.NUMBER);
            }
        }
    }

    /** How a field is mapped, or null if it is not (yet). */
    ResultsMapping.Kind kindOf(String field) {
        ResultsMapping.Kind known = ResultsMapping.knownKind(field);
        return known != null ? known : dynamic.get(field);
    }

    /**
     * The Lucene document of a result: its source as sent, its rendering, and every top-level field indexed as mapped.
     *
     * @throws EsException a {@code document_parsing_exception} when a value does not fit its field
     */
    Document toDocument(String id, String index, long version, long seq, long seqNo, ObjectNode source, byte[] json,
                        byte[] rendered) {
        Document doc = new Document();
        doc.add(new StringField(LuceneFields.KIND, LuceneFields.KIND_RESULT, Field.Store.NO));
        doc.add(new StringField(LuceneFields.UID, LuceneFields.uid(index, id), Field.Store.NO));
        doc.add(new StringField(LuceneFields.ID, id, Field.Store.YES));
        doc.add(new StoredField(LuceneFields.INDEX, index));
        doc.add(new StoredField(LuceneFields.VERSION, version));
        doc.add(new NumericDocValuesField(LuceneFields.VERSION, version));
        doc.add(new NumericDocValuesField(LuceneFields.SEQ, seq));
        doc.add(new NumericDocValuesField(LuceneFields.SEQ_NO, seqNo));
        doc.add(new BinaryDocValuesField(LuceneFields.SOURCE_BYTES, new BytesRef(json)));
        doc.add(new BinaryDocValuesField(LuceneFields.RENDERED, new BytesRef(rendered)));
        for (Map.Entry<String, JsonNode> entry : source.properties()) {
            String field = entry.getKey();
            JsonNode value = entry.getValue();
            List<JsonNode> values = new ArrayList<>();
            if (value.isArray()) {
                value.forEach(values::add);
            } else {
                values.add(value);
            }
            ResultsMapping.Kind kind = kindOf(field);
            for (JsonNode single : values) {
                if (single.isNull()) {
                    continue;
                }
                if (single.isContainerNode()) {
                    if (kind != null && kind != ResultsMapping.Kind.OBJECT) {
                        throw mappingFailure(field, kind, id, single);
                    }
                    continue;
                }
                if (kind == null) {
                    kind = single.isNumber() ? ResultsMapping.Kind.NUMBER
                            : single.isBoolean() ? ResultsMapping.Kind.BOOLEAN : ResultsMapping.Kind.KEYWORD;
                    dynamic.putIfAbsent(field, kind == ResultsMapping.Kind.BOOLEAN ? ResultsMapping.Kind.NUMBER : kind);
                }
                indexValue(doc, field, kind, single, id);
            }
        }
        return doc;
    }

    private static void indexValue(Document doc, String field, ResultsMapping.Kind kind, JsonNode value, String id) {
        switch (kind) {
            case KEYWORD -> {
                String text = value.asText();
                doc.add(new StringField(LuceneFields.term(field), text, Field.Store.NO));
                if (text.length() <= MAX_KEYWORD_BYTES / 4) {
                    doc.add(new SortedSetDocValuesField(LuceneFields.keyword(field), new BytesRef(text)));
                }
            }
            case BOOLEAN -> {
                boolean flag;
                if (value.isBoolean()) {
                    flag = value.booleanValue();
                } else if (value.isTextual() && (value.asText().equals("true") || value.asText().equals("false"))) {
                    flag = Boolean.parseBoolean(value.asText());
                } else {
                    throw mappingFailure(field, kind, id, value);
                }
                doc.add(new StringField(LuceneFields.term(field), String.valueOf(flag), Field.Store.NO));
                doc.add(new SortedNumericDocValuesField(LuceneFields.number(field),
                        NumericUtils.doubleToSortableLong(flag ? 1 : 0)));
            }
            case DATE -> {
                Long millis = value.isNumber() ? Long.valueOf(value.longValue())
                        : value.isTextual() ? Dates.parseDate(value.asText()) : null;
                if (millis == null) {
                    throw mappingFailure(field, kind, id, value);
                }
                doc.add(new LongPoint(LuceneFields.point(field), millis));
                doc.add(new SortedNumericDocValuesField(LuceneFields.number(field), NumericUtils.doubleToSortableLong(millis)));
            }
            case NUMBER -> {
                double number;
                if (value.isNumber()) {
                    number = value.doubleValue();
                } else {
                    try {
                        number = Double.parseDouble(value.asText());
                    } catch (NumberFormatException e) {
                        throw mappingFailure(field, kind, id, value);
                    }
                }
                doc.add(new DoublePoint(LuceneFields.point(field), number));
                doc.add(new SortedNumericDocValuesField(LuceneFields.number(field), NumericUtils.doubleToSortableLong(number)));
            }
            case OBJECT -> {
                // objects are kept in the source only
            }
        }
    }

    private static EsException mappingFailure(String field, ResultsMapping.Kind kind, String id, JsonNode value) {
        String type = switch (kind) {
            case NUMBER -> "double";
            case DATE -> "date";
            case BOOLEAN -> "boolean";
            case KEYWORD -> "keyword";
            case OBJECT -> "object";
        };
        String preview = value.isTextual() ? value.asText() : value.toString();
        return EsException.of(400, "document_parsing_exception", "failed to parse field [" + field + "] of type [" + type
                + "] in document with id '" + id + "'. Preview of field's value: '" + preview + "'");
    }
}
