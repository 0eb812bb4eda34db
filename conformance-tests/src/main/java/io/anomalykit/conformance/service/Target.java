package io.anomalykit.conformance.service;

import java.net.URI;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The one thing an implementer supplies: where the implementation is, how to log in as each persona, how to put data
 * into it, and what it supports. Everything else in the kit is inherited.
 */
public final class Target {

    private final URI baseUrl;
    private final Map<String, Credentials> personas;
    private final Seeder seeder;
    private final Set<Capability> capabilities;
    private final Map<String, String> optedOut;

    private Target(Builder builder) {
        this.baseUrl = Objects.requireNonNull(builder.baseUrl, "baseUrl");
        this.personas = Map.copyOf(builder.personas);
        this.seeder = builder.seeder != null ? builder.seeder : new ElasticsearchApiSeeder();
        this.capabilities = Set.copyOf(builder.capabilities);
        this.optedOut = Map.copyOf(builder.optedOut);
    }

    /** A builder for the implementation at {@code baseUrl} (scheme, host and port; a trailing slash is dropped). */
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

    /**
     * Builds a {@link Target}: every capability supported but those a target must declare (see {@link Capability}),
     * no persona, the default seeder, no case declined.
     */
    public static final class Builder {
        private final URI baseUrl;
        private final Map<String, Credentials> personas = new LinkedHashMap<>();
        private Seeder seeder;
        private final Set<Capability> capabilities = EnumSet.noneOf(Capability.class);
        private final Map<String, String> optedOut = new LinkedHashMap<>();

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

        /** The target, as configured so far. */
        public Target build() {
            return new Target(this);
        }
    }
}
