package io.anomalykit.conformance.service;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one thing an implementer supplies: where the implementation is and how to connect to it (TLS, extra headers,
 * timeouts), how to log in as each persona, how to put data into it, and what it supports. Everything else in the kit
 * is inherited. A target holds one HTTP client with its connections for all its requests.
 */
public final class Target {

    private final URI baseUrl;
    private final Map<String, Credentials> personas;
    private final Seeder seeder;
    private final Set<Capability> capabilities;
    private final Map<String, String> optedOut;
    private final Map<String, String> headers;
    private final Duration requestTimeout;
    private final HttpClient http;

    private Target(Builder builder) {
        this.baseUrl = Objects.requireNonNull(builder.baseUrl, "baseUrl");
        this.headers = Map.copyOf(builder.headers);
        this.requestTimeout = builder.requestTimeout;
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(builder.connectTimeout);
        if (builder.caCertificate != null || builder.clientCertificate != null || builder.insecure) {
            SSLContext tls = TlsContext.create(builder.caCertificate, builder.clientCertificate, builder.clientKey,
                    builder.insecure);
            http.sslContext(tls);
        }
        this.http = http.build();
        this.personas = Map.copyOf(builder.personas);
        this.seeder = builder.seeder != null ? builder.seeder : new ElasticsearchApiSeeder();
        this.capabilities = Set.copyOf(builder.capabilities);
        this.optedOut = Map.copyOf(builder.optedOut);
    }

    /**
     * A builder for the implementation at {@code baseUrl}: scheme, host, port and any base path it is mounted under
     * ({@code https://gateway:8443/es}); a trailing slash is dropped.
     */
    public static Builder at(String baseUrl) {
        return new Builder(URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl));
    }

    /** Where the implementation answers, without a trailing slash. */
    public URI baseUrl() {
        return baseUrl;
    }

    /** Credentials of a persona; {@link Persona#SUPERUSER} seeds data; an absent persona means "send no credentials". */
    public Optional<Credentials> credentials(String persona) {
        return Optional.ofNullable(personas.get(persona));
    }

    /** How data gets into the target: the builder's seeder, or Elasticsearch's own APIs by default. */
    public Seeder seeder() {
        return seeder;
    }

    /**
     * Whether the target supports a capability: the assumed ones unless {@link Builder#without} declared otherwise,
     * and those {@link Builder#with} declared.
     */
    public boolean supports(Capability capability) {
        return capabilities.contains(capability);
    }

    /** Why the implementer opted out of a case, or empty when they did not. */
    public Optional<String> optOutReason(String caseId) {
        return Optional.ofNullable(optedOut.get(caseId));
    }

    /** Headers sent with every request, such as a gateway's tenant header. */
    Map<String, String> headers() {
        return headers;
    }

    /** How long one request may take. */
    Duration requestTimeout() {
        return requestTimeout;
    }

    /** The client every request to this target goes through. */
    HttpClient http() {
        return http;
    }

    /**
     * Builds a {@link Target}: every capability supported but those a target must declare (see {@link Capability}),
     * no persona, the default seeder, no case declined, the JDK's trusted certificates, no extra header, 10 seconds to
     * connect and 60 for a request.
     */
    public static final class Builder {
        private final URI baseUrl;
        private final Map<String, Credentials> personas = new LinkedHashMap<>();
        private Seeder seeder;
        private final Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        private final Map<String, String> optedOut = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Path caCertificate;
        private Path clientCertificate;
        private Path clientKey;
        private boolean insecure;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);

        private Builder(URI baseUrl) {
            this.baseUrl = baseUrl;
            for (Capability capability : Capability.values()) {
                if (capability.assumed()) {
                    capabilities.add(capability);
                }
            }
        }

        /** The user that may create jobs and index results. */
        public Builder superuser(String user, String password) {
            return persona(Persona.SUPERUSER, new Credentials.Basic(user, password));
        }

        /** The superuser speaks with an API key, {@code encoded} as Elasticsearch's create-API-key answer gives it. */
        public Builder superuserApiKey(String encoded) {
            return persona(Persona.SUPERUSER, new Credentials.ApiKey(encoded));
        }

        /** The credentials a persona (one of {@link Persona}'s names) speaks with. */
        public Builder persona(String name, Credentials credentials) {
            personas.put(name, credentials);
            return this;
        }

        /** How data gets into the target; by default Elasticsearch's own job, {@code _bulk} and {@code _refresh} APIs. */
        public Builder seeder(Seeder value) {
            seeder = value;
            return this;
        }

        /** Declares something the target does not support: the cases that need it are skipped with a reason. */
        public Builder without(Capability capability) {
            capabilities.remove(capability);
            return this;
        }

        /** Declares something the target supports that is not assumed (such as {@link Capability#REST_API_V9}). */
        public Builder with(Capability capability) {
            capabilities.add(capability);
            return this;
        }

        /** Declines one case, with a reason that every report shows. */
        public Builder optOut(String caseId, String reason) {
            if (reason == null || reason.isBlank()) {
                throw new IllegalArgumentException("opting out of " + caseId + " needs a reason");
            }
            optedOut.put(caseId, reason);
            return this;
        }

        /** A header sent with every request (a case's own header of the same name wins). */
        public Builder header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        /**
         * Trusts the CA certificates of a PEM file (such as Elasticsearch's {@code config/certs/http_ca.crt}) instead
         * of the JDK's.
         */
        public Builder caCertificate(Path pem) {
            caCertificate = pem;
            return this;
        }

        /** Presents a client certificate (PEM chain) with its unencrypted PKCS#8 PEM key. */
        public Builder clientCertificate(Path certificatePem, Path keyPem) {
            clientCertificate = Objects.requireNonNull(certificatePem, "certificatePem");
            clientKey = Objects.requireNonNull(keyPem, "keyPem");
            return this;
        }

        /**
         * Trusts any certificate for any host name. Anyone between the kit and the target can then read the
         * credentials, so building such a target prints a warning.
         */
        public Builder insecure() {
            insecure = true;
            return this;
        }

        /** How long to wait for a connection, and for one request's answer. */
        public Builder timeouts(Duration connect, Duration request) {
            connectTimeout = Objects.requireNonNull(connect, "connect");
            requestTimeout = Objects.requireNonNull(request, "request");
            return this;
        }

        /**
         * The target, as configured so far.
         *
         * @throws IllegalArgumentException when a certificate or key file cannot be used
         */
        public Target build() {
            if (insecure) {
                System.err.println("WARNING: anomalykit: TLS verification is OFF for " + baseUrl + " (insecure): any"
                        + " certificate is accepted for any host, and the credentials sent can be read by whoever is in"
                        + " between. Pass the CA certificate instead (--ca-cert FILE).");
            }
            return new Target(this);
        }
    }
}
