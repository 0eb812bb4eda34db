package io.anomalykit.conformance.service;

import java.util.List;

/** The personas the cases speak as. A case without a persona speaks as the superuser. */
public final class Persona {

    /** The user that may create jobs and index results; it seeds the data. */
    public static final String SUPERUSER = "superuser";
    /** No credentials at all. */
    public static final String ANONYMOUS = "anonymous";
    /** The superuser's name with a wrong password. */
    public static final String WRONG_PASSWORD = "wrong_password";
    /** A user whose only role grants nothing. */
    public static final String NO_PRIVILEGES = "no_privileges";
    /** A user with {@code monitor_ml} but no index privilege on the results. */
    public static final String CLUSTER_WITHOUT_INDEX_READ = "cluster_without_index_read";
    /** A user with the built-in {@code machine_learning_user} role. */
    public static final String ML_USER = "ml_user";
    /** A user with the built-in {@code machine_learning_admin} role. */
    public static final String ML_ADMIN = "ml_admin";

    private static final List<String> NAMES = List.of(SUPERUSER, ANONYMOUS, WRONG_PASSWORD, NO_PRIVILEGES,
            CLUSTER_WITHOUT_INDEX_READ, ML_USER, ML_ADMIN);

    private Persona() {
    }

    /** Every persona's name. */
    public static List<String> names() {
        return NAMES;
    }
}
