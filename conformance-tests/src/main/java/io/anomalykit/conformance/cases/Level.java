package io.anomalykit.conformance.cases;

import java.util.Locale;

/** How binding a rule is. Only a failed {@link #REQUIRED} case fails a run unless asked otherwise. */
public enum Level {
    REQUIRED, RECOMMENDED, OPTIONAL;

    /** The level named {@code text}, in any case. */
    public static Level of(String text) {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
