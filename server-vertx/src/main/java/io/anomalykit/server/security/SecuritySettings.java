package io.anomalykit.server.security;

import java.nio.file.Path;

/**
 * How the server secures itself.
 *
 * @param enabled              false only when switched off explicitly (the server then warns loudly at start)
 * @param configDirectory      the file realm: {@code users}, {@code users_roles} and {@code roles.yml}, as in
 *                             Elasticsearch's config directory; null for none
 * @param elasticPassword      the password of the reserved superuser {@code elastic}; null disables that user
 * @param indexPrivilegeCheck  true: results need {@code read} on the job's results index as well as the cluster
 *                             privilege (the documents' rule); false: the cluster privilege alone (current Elasticsearch)
 */
public record SecuritySettings(boolean enabled, Path configDirectory, String elasticPassword, boolean indexPrivilegeCheck) {

    public static SecuritySettings off() {
        return new SecuritySettings(false, null, null, true);
    }

    @Override
    public String toString() {
        // Never print the password.
        return "SecuritySettings[enabled=" + enabled + ", configDirectory=" + configDirectory + ", indexPrivilegeCheck="
                + indexPrivilegeCheck + "]";
    }
}
