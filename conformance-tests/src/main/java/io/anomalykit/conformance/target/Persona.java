package io.anomalykit.conformance.target;

/** The personas the cases speak as. A case without a persona speaks as the superuser. */
public final class Persona {

    public static final String SUPERUSER = "superuser";
    /** No credentials at all. */
    public static final String ANONYMOUS = "anonymous";

    private Persona() {
    }
}
