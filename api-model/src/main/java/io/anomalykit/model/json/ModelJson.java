package io.anomalykit.model.json;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.NopAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerBuilder;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the generated models are written the way Elasticsearch writes them: declared properties in the spec's order
 * (the models' {@code @JsonPropertyOrder}), unset properties left out, required or not, and
 * undeclared (dynamic) keys in the order they were put, placed where the spec's {@code x-additional-properties-after}
 * says (an influencer's key named after its field sits right after {@code influencer_field_value}).
 */
public final class ModelJson {

    private static final String MODEL_PACKAGE = "io.anomalykit.model";
    private static final ObjectWriter WRITER = newMapper().writer();

    private ModelJson() {
    }

    /** A shared, immutable writer with {@link #newMapper()}'s settings: compact JSON in Elasticsearch's order. */
    public static ObjectWriter writer() {
        return WRITER;
    }

    /**
     * A mapper configured for the models: {@code NON_NULL} inclusion, {@link #module()}, and unknown properties
     * ignored when reading (a model without {@code additionalProperties} drops keys it does not declare).
     */
    public static ObjectMapper newMapper() {
        return JsonMapper.builder()
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .addModule(module())
                .build();
    }

    /** The module that places undeclared keys where {@link AdditionalPropertiesAfter} says; add it to any mapper. */
    public static Module module() {
        SimpleModule module = new SimpleModule("anomalykit-model-json") {
            private static final long serialVersionUID = 1L;

            @Override
            public void setupModule(SetupContext context) {
                super.setupModule(context);
                context.insertAnnotationIntrospector(new AbsentStaysAbsent());
            }
        };
        module.setSerializerModifier(new Placement());
        return module;
    }

    /**
     * The generated models mark required properties {@code @JsonInclude(ALWAYS)}, which would write an unset one as
     * {@code null}; Elasticsearch never writes null for a result field, so on the models an unset property is left out
     * whether required or not. Other classes keep their own inclusion.
     */
    private static final class AbsentStaysAbsent extends NopAnnotationIntrospector {

        private static final long serialVersionUID = 1L;
        private static final JsonInclude.Value NON_NULL =
                JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.USE_DEFAULTS);

        @Override
        public JsonInclude.Value findPropertyInclusion(Annotated annotated) {
            return annotated instanceof AnnotatedMember member
                    && member.getDeclaringClass().getPackageName().equals(MODEL_PACKAGE) ? NON_NULL
                    : JsonInclude.Value.empty();
        }
    }

    /** Moves an annotated any-getter from the end of the object to just after the property it names. */
    private static final class Placement extends BeanSerializerModifier {

        private static final long serialVersionUID = 1L;

        @Override
        public BeanSerializerBuilder updateBuilder(SerializationConfig config, BeanDescription description,
                BeanSerializerBuilder builder) {
            AnnotatedMember anyGetter = description.findAnyGetter();
            AdditionalPropertiesAfter after = anyGetter == null ? null
                    : anyGetter.getAnnotation(AdditionalPropertiesAfter.class);
            if (after == null || builder.getAnyGetter() == null) {
                return builder;
            }
            List<BeanPropertyWriter> properties = new ArrayList<>(builder.getProperties());
            int at = -1;
            for (int i = 0; i < properties.size(); i++) {
                if (properties.get(i).getName().equals(after.value())) {
                    at = i;
                }
            }
            if (at < 0) {
                throw new IllegalStateException(description.getBeanClass().getName() + " has no property '"
                        + after.value() + "' for its undeclared keys to follow");
            }
            properties.set(at, new FollowedByUndeclared(properties.get(at), anyGetter));
            builder.setProperties(properties);
            builder.setAnyGetter(null);
            return builder;
        }
    }

    /** A declared property that writes the object's undeclared keys right after itself. */
    private static final class FollowedByUndeclared extends BeanPropertyWriter {

        private static final long serialVersionUID = 1L;
        private final transient AnnotatedMember anyGetter;

        FollowedByUndeclared(BeanPropertyWriter property, AnnotatedMember anyGetter) {
            super(property);
            this.anyGetter = anyGetter;
        }

        @Override
        public void serializeAsField(Object bean, JsonGenerator gen, SerializerProvider provider) throws Exception {
            super.serializeAsField(bean, gen, provider);
            Object undeclared = anyGetter.getValue(bean);
            if (undeclared instanceof Map<?, ?> keys) {
                for (Map.Entry<?, ?> key : keys.entrySet()) {
                    provider.defaultSerializeField(String.valueOf(key.getKey()), key.getValue(), gen);
                }
            }
        }
    }
}
