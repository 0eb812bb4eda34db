package io.anomalykit.conformance.run;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/**
 * What a run may create on the target and how it names it. With {@link #seeds()} the run creates the datasets' jobs and
 * the personas' users and roles, every name starting with {@link #prefix()}, and deletes them when it ends; without, it
 * creates nothing and expects the documented fixtures to be there already, under the prefixed job ids.
 *
 * @param prefix put before every job id, user and role name: lowercase letters, digits, {@code -} and {@code _},
 *               starting with a letter or digit (Elasticsearch's rule for job ids), or empty for the names as they are
 * @param seeds  whether the run creates its data and personas
 */
public record RunScope(String prefix, boolean seeds) {

    private static final Pattern PREFIX = Pattern.compile("([a-z0-9][a-z0-9_-]*)?");
    private static final String RANDOM_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** @throws IllegalArgumentException for a prefix Elasticsearch would not accept in a job id */
    public RunScope {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("run-prefix [" + prefix + "] must be lowercase letters, digits, '-' or '_',"
                    + " starting with a letter or digit (it starts job ids), or empty");
        }
    }

    /** A scope that seeds under a fresh prefix, {@code anomalykit-} and six random letters and digits, then {@code -}. */
    public static RunScope fresh() {
        return new RunScope(randomPrefix(), true);
    }

    /** {@code anomalykit-} and six random lowercase letters and digits, then {@code -}: safe to share a cluster with. */
    public static String randomPrefix() {
        StringBuilder prefix = new StringBuilder("anomalykit-");
        for (int i = 0; i < 6; i++) {
            prefix.append(RANDOM_CHARACTERS.charAt(RANDOM.nextInt(RANDOM_CHARACTERS.length())));
        }
        return prefix.append('-').toString();
    }
}
