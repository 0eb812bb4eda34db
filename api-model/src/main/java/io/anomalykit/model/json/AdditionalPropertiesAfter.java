package io.anomalykit.model.json;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * On a generated model's {@code @JsonAnyGetter}: its undeclared keys are written right after the named declared
 * property instead of after all of them. Generated from the schema extension {@code x-additional-properties-after};
 * honoured by a mapper that has {@link ModelJson#module()}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AdditionalPropertiesAfter {

    /** The JSON name of the declared property the undeclared keys follow. */
    String value();
}
