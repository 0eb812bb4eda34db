package io.anomalykit.server.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** The "did you mean" of Elasticsearch's error messages: candidates more than half similar by edit distance. */
public final class Suggestions {

    private Suggestions() {
    }

    public static List<String> similarTo(String key, Collection<String> candidates) {
        record Scored(float similarity, String candidate) {
        }
        List<Scored> scored = new ArrayList<>();
        for (String candidate : candidates) {
            float similarity = similarity(key, candidate);
            if (similarity > 0.5f) {
                scored.add(new Scored(similarity, candidate));
            }
        }
        scored.sort(Comparator.comparing(Scored::similarity).reversed().thenComparing(Scored::candidate));
        return scored.stream().map(Scored::candidate).toList();
    }

    /** {@code " -> did you mean [x]?"} style suffix used by the REST layer, or "" when nothing is close. */
    public static String restSuffix(String key, Collection<String> candidates) {
        List<String> similar = similarTo(key, candidates);
        if (similar.isEmpty()) {
            return "";
        }
        return " -> did you mean " + (similar.size() == 1 ? "[" + similar.get(0) + "]" : "any of " + similar) + "?";
    }

    /** {@code " did you mean [x]?"} style suffix used by the body parsers. */
    public static String parserSuffix(String key, Collection<String> candidates) {
        List<String> similar = similarTo(key, candidates);
        if (similar.isEmpty()) {
            return "";
        }
        return " did you mean " + (similar.size() == 1 ? "[" + similar.get(0) + "]" : "any of " + similar) + "?";
    }

    /** 1 - (Levenshtein distance / length of the longer string), as Lucene's LevenshteinDistance computes it. */
    static float similarity(String a, String b) {
        int n = a.length();
        int m = b.length();
        if (n == 0 || m == 0) {
            return n == m ? 1f : 0f;
        }
        int[] previous = new int[n + 1];
        int[] current = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            previous[i] = i;
        }
        for (int j = 1; j <= m; j++) {
            current[0] = j;
            for (int i = 1; i <= n; i++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[i] = Math.min(Math.min(current[i - 1] + 1, previous[i] + 1), previous[i - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return 1f - ((float) previous[n] / Math.max(n, m));
    }
}
