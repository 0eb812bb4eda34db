package io.anomalykit.conformance.config;

import java.util.Locale;

/**
 * Every setting of a kit run, under the one name it has everywhere: the CLI's flag ({@code --ca-cert}), the key in
 * {@code anomalykit-kit.yaml} ({@code ca-cert:}) and the JUnit suite's system property ({@code anomalykit.ca-cert}).
 */
public enum Setting {
    URL("URL", "where the service answers, with any base path it is mounted under (https://host:9200/es)"),
    USER("USER", "the superuser's name, with --password-env"),
    PASSWORD_ENV("VAR", "the environment variable holding the superuser's password (never given on the command line)"),
    API_KEY_ENV("VAR", "the environment variable holding the superuser's encoded API key, as Elasticsearch's create-API-key"
            + " answer gives it"),
    HEADER("NAME:VALUE", "a header sent with every request (repeatable)", true),
    CA_CERT("FILE", "PEM file of the CA that signed the service's certificate (Elasticsearch: config/certs/http_ca.crt)"),
    CLIENT_CERT("FILE", "PEM client certificate to present, with --client-key"),
    CLIENT_KEY("FILE", "its unencrypted PKCS#8 PEM key"),
    INSECURE(null, "accept any TLS certificate for any host name (prints a warning; prefer --ca-cert)"),
    CONNECT_TIMEOUT("SECONDS", "how long to wait for a connection (default 10)"),
    REQUEST_TIMEOUT("SECONDS", "how long to wait for one answer (default 60)"),
    WITHOUT("CAPABILITY", "a capability the service lacks; its cases are skipped with the reason (repeatable, or"
            + " comma-separated): legacy_prefix, get_with_body, elasticsearch_seeding, compatible_media_types, security,"
            + " rest_api_v7", true),
    WITH("CAPABILITY", "a capability the service has that is not assumed: rest_api_v9 (repeatable, or comma-separated)",
            true),
    OPT_OUT("ID=REASON", "decline the case ID, with the reason every report shows (repeatable)", true),
    INCLUDE("REGEX", "run only cases whose id matches (found anywhere in the id; repeatable: any may match)", true),
    EXCLUDE("REGEX", "do not run cases whose id matches (found anywhere in the id; repeatable)", true),
    LEVEL("LEVEL", "run cases up to this level: required, recommended or optional (default optional: all)"),
    STRICT(null, "failures of recommended and optional cases fail the gate too"),
    RUN_PREFIX("PREFIX", "put before every job id, user and role the run creates, so that it shares a cluster safely:"
            + " lowercase letters, digits, '-', '_' (default anomalykit-<6 random>-; \"\" for the documented names, on a"
            + " dedicated target)"),
    NO_SEED(null, "create nothing: run against the documented fixtures loaded beforehand (under the documented job ids"
            + " unless --run-prefix says otherwise); cases needing other data or personas not supplied are skipped"),
    SEED("N", "seed of the generated cases (default 20160208)"),
    REPORT("DIR", "write junit.xml, report.html, summary.json and results.md into DIR"),
    PARALLELISM("N", "how many cases the CLI (and Conformance.run) sends at once (default 4; 1 for one at a time);"
            + " results and reports keep the cases' order"),
    MAX_FAILURES("N", "stop after N gating failures; the cases left are skipped (default 0: never stop)"),
    WAIT_FOR("SECONDS", "wait up to SECONDS for the service to answer GET / before running (default 0)"),
    REFERENCE("URL", "judge the service against this reference (an Elasticsearch cluster): every case and the"
            + " exploration set run against both, seeded alike, and every difference in their answers fails"),
    REFERENCE_USER(USER),
    REFERENCE_PASSWORD_ENV(PASSWORD_ENV),
    REFERENCE_API_KEY_ENV(API_KEY_ENV),
    REFERENCE_CA_CERT(CA_CERT),
    RECORD("DIR", "write the reference's answers (with the requests and the data seeded) into DIR, a golden set for"
            + " --replay"),
    REPLAY("DIR", "judge the service against a golden set --record wrote, with no reference running"),
    EXPLORATION_SIZE("N", "how many generated exploration requests a differential run adds to the cases (default "
            + "200; 0 for none); the same seed gives the same requests"),
    ACCEPT_DIFFERENCES("FILE", "YAML list of known differences from the reference, each a cause and a reason: they are"
            + " reported as accepted, not failed");

    private final String label;
    private final String description;
    private final boolean repeatable;

    Setting(String label, String description) {
        this(label, description, false);
    }

    /** The reference's counterpart of one of the service's connection settings: same value, its own name. */
    Setting(Setting ofTheService) {
        this(ofTheService.label, "as --" + ofTheService.key() + ", for the reference: " + ofTheService.description);
    }

    Setting(String label, String description, boolean repeatable) {
        this.label = label;
        this.description = description;
        this.repeatable = repeatable;
    }

    /** The name shared by the flag, the file key and the system property: {@code ca-cert}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** What the value is ({@code FILE}), or null for a switch that takes none. */
    public String label() {
        return label;
    }

    /** One line of help. */
    public String description() {
        return description;
    }

    /** Whether the setting takes several values. */
    public boolean repeatable() {
        return repeatable;
    }

    /** Whether the setting is a switch (true when present). */
    public boolean isSwitch() {
        return label == null;
    }

    /** The setting named {@code key}, or null when there is none. */
    static Setting byKey(String key) {
        for (Setting setting : values()) {
            if (setting.key().equals(key)) {
                return setting;
            }
        }
        return null;
    }
}
