package io.anomalykit.server.store;

import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.PostingsFormat;
import org.apache.lucene.codecs.bloom.BloomFilteringPostingsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene912.Lucene912PostingsFormat;

/**
 * Lucene's default codec, except that document identity terms ({@code _uid}) carry a Bloom filter per segment: most ids a bulk request
 * writes are new, and the filter says so without a seek in every segment's terms. Public only because Lucene finds
 * codecs by name through {@code META-INF/services}.
 */
public final class ResultsCodec extends FilterCodec {

    private static final PostingsFormat ID_POSTINGS = new BloomFilteringPostingsFormat(new Lucene912PostingsFormat());

    public ResultsCodec() {
        super("AnomalykitResults912", new Lucene912Codec() {
            @Override
            public PostingsFormat getPostingsFormatForField(String field) {
                return field.equals(LuceneFields.UID) ? ID_POSTINGS : super.getPostingsFormatForField(field);
            }
        });
    }
}
