package io.anomalykit.model.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The contract itself, {@code spec/openapi.yaml}, as this jar carries it: the one document the models were generated
 * from, and the one the server and the kit read the rest of their facts from (mapping types, tie-breakers, examples).
 */
public final class OpenApiSpec {

    /** Where the spec is on the classpath. */
    public static final String RESOURCE = "anomalykit/spec/openapi.yaml";
    /** Where the fixtures that reproduce its examples are on the classpath. */
    public static final String FIXTURES = "anomalykit/spec/fixtures/";

    private OpenApiSpec() {
    }

    /** The spec as a tree, read once; treat it as read-only. */
    public static JsonNode tree() {
        return Holder.TREE;
    }

    private static final class Holder {
        private static final JsonNode TREE = read();

        private static JsonNode read() {
            try (InputStream in = OpenApiSpec.class.getClassLoader().getResourceAsStream(RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the contract is not on the classpath: " + RESOURCE);
                }
                return new YAMLMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException("the contract does not read: " + RESOURCE, e);
            }
        }
    }
}
