package io.anomalykit.server.store;

/**
 * How the embedded store lays documents out in Lucene, in one place. A result's top-level fields are indexed under
 * their own names for exact terms (keywords, booleans), and under prefixed names for what filtering and sorting need:
 * {@code p.<field>} points for ranges, {@code n.<field>} numeric doc values and {@code k.<field>} keyword doc values for
 * sorting and the columns. The store's own fields start with an underscore, which no result field may.
 */
final class LuceneFields {

    /** What a document is: a result, a job, or (in the security store) a security object. */
    static final String KIND = "_kind";
    static final String KIND_RESULT = "result";
    static final String KIND_JOB = "job";
    /**
     * The document id as sent, stored. Indexed too, as it was when ids were global: Lucene refuses to change how a
     * field is indexed in an existing index; identity is {@link #UID}.
     */
    static final String ID = "_id";
    /**
     * A result's identity, indexed: its index and its id together, as Elasticsearch keeps each index's documents
     * apart (see {@link #uid}).
     */
    static final String UID = "_uid";
    /** A result's concrete index, stored; the index's documents are found by their {@link #UID} prefix. */
    static final String INDEX = "_index";
    static final String JOB_KEY = "_jobid";
    /** Stored fields: jobs and security objects, and results indexed before sources moved to doc values. */
    static final String SOURCE = "_source";
    /**
     * A result's source, as uncompressed binary doc values: a page scattered over a large job reads each source with
     * one copy, where compressed stored fields decompress a block per document.
     */
    static final String SOURCE_BYTES = "_source_bytes";
    /** A result rendered as Elasticsearch answers it, made once at indexing. */
    static final String RENDERED = "_rendered";
    static final String VERSION = "_version";
    /**
     * The store's indexing order, over all indices: the final tie-break of every sort, persisted so order survives
     * restarts. Not Elasticsearch's {@code _seq_no}, which is counted per shard ({@link #SEQ_NO}).
     */
    static final String SEQ = "_seq";
    /** The sequence number of a result's last write, counted per index (each results index has one shard). */
    static final String SEQ_NO = "_seq_no";
    /** The commit data key holding the next {@link #SEQ}. */
    static final String NEXT_SEQ = "next_seq";
    /** The prefix of the commit data keys holding each index's next {@link #SEQ_NO}. */
    static final String NEXT_SEQ_NO_PREFIX = "next_seq_no:";
    /**
     * The commit data key saying results carry {@link #UID} and {@link #SEQ_NO}; a store committed without it was
     * written when ids and sequence numbers were global, and is rewritten once when opened.
     */
    static final String PER_INDEX_IDS = "per_index_ids";

    private static final String POINT = "p.";
    private static final String NUMBER = "n.";
    private static final String KEYWORD = "k.";

    private LuceneFields() {
    }

    /**
     * The {@link #UID} term of a document: the index's length first, so that no index name and id (either of which may
     * hold any character) can make the term of another pair, and {@code uid(index, "")} prefixes exactly the index's
     * documents.
     */
    static String uid(String index, String id) {
        return index.length() + ":" + index + id;
    }

    /** The exact-term field of a keyword or boolean result field. */
    static String term(String field) {
        return field;
    }

    /** The points of a numeric or date field, for ranges. */
    static String point(String field) {
        return POINT + field;
    }

    /** The numeric doc values of a number, date or boolean field (booleans as 0 and 1), for sorting. */
    static String number(String field) {
        return NUMBER + field;
    }

    /** The keyword doc values of a keyword field, for sorting. */
    static String keyword(String field) {
        return KEYWORD + field;
    }

    /** The result field whose numeric doc values a Lucene field holds, or null. */
    static String numberFieldOf(String luceneField) {
        return luceneField.startsWith(NUMBER) ? luceneField.substring(NUMBER.length()) : null;
    }

    /** The result field whose keyword doc values a Lucene field holds, or null. */
    static String keywordFieldOf(String luceneField) {
        return luceneField.startsWith(KEYWORD) ? luceneField.substring(KEYWORD.length()) : null;
    }
}
