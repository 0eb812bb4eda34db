package io.anomalykit.conformance.service;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** How a persona authenticates: the Authorization header it sends. */
public sealed interface Credentials {

    /** The value of the {@code Authorization} header. */
    String authorization();

    /** The same header with the secret replaced by a shell variable, for reproducers that are safe to paste. */
    String redactedAuthorization(String variable);

    /** HTTP Basic authentication as a user with a password. */
    record Basic(String user, String password) implements Credentials {
        @Override
        public String authorization() {
            return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String redactedAuthorization(String variable) {
            return "Basic $(printf '%s' \"" + user + ":$" + variable + "\" | base64)";
        }

        @Override
        public String toString() {
            return "Basic[" + user + "]";
        }
    }

    /** An Elasticsearch API key, {@code encoded} as the create-API-key answer gives it. */
    record ApiKey(String encoded) implements Credentials {
        @Override
        public String authorization() {
            return "ApiKey " + encoded;
        }

        @Override
        public String redactedAuthorization(String variable) {
            return "ApiKey $" + variable;
        }

        @Override
        public String toString() {
            return "ApiKey[redacted]";
        }
    }
}
