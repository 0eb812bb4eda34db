package io.anomalykit.conformance.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.Level;
import io.anomalykit.conformance.run.Outcome;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * One run of the kit against one target: what every report is written from.
 *
 * @param strict whether failures of recommended and optional cases fail the gate too
 * @param error      why no case could run (the target unreachable, its TLS handshake or authentication failed), or
 *                   null
 * @param leftBehind what the run created on the target but could not delete at its end, each with the reason; it does
 *                   not change the gate, and every report says it
 * @param differential what a run judged against a reference found, grouped by cause; null for a run judged by the
 *                   cases' rules
 */
public record RunRecord(String target, long seed, Instant finished, List<Case> cases, List<Outcome> outcomes,
                        boolean strict, String error, List<String> leftBehind, Differential differential) {

    public RunRecord {
        cases = List.copyOf(cases);
        outcomes = List.copyOf(outcomes);
        leftBehind = List.copyOf(leftBehind);
    }

    /** A run judged by the cases' rules. */
    public RunRecord(String target, long seed, Instant finished, List<Case> cases, List<Outcome> outcomes,
                     boolean strict, String error, List<String> leftBehind) {
        this(target, seed, finished, cases, outcomes, strict, error, leftBehind, null);
    }

    /** A run that reached its target, gating on the required cases, and left nothing behind. */
    public RunRecord(String target, long seed, Instant finished, List<Case> cases, List<Outcome> outcomes) {
        this(target, seed, finished, cases, outcomes, false, null, List.of());
    }

    /** Whether the gate passed: the target was reached and no gating case failed. */
    public boolean passed() {
        return error == null && gatingFailures().isEmpty();
    }

    /** The failed cases that fail the gate: the required ones, or every one when strict. */
    public List<Outcome> gatingFailures() {
        return outcomes.stream().filter(o -> o.result() == Outcome.Result.FAILED
                && (strict || o.testCase().level() == Level.REQUIRED)).toList();
    }

    /** The gate in one word: passed, failed, or error when the target could not be used. */
    public String gate() {
        return error != null ? "error" : passed() ? "passed" : "failed";
    }

    /** The kit's version, as built. */
    public static String kitVersion() {
        try (InputStream in = RunRecord.class.getClassLoader().getResourceAsStream("anomalykit/conformance/kit.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** SHA-256 of the case set run (every case, in order), so a published result names exactly what was run. */
    String caseSetSha256() {
        return sha256(cases);
    }

    /** SHA-256 of a case set: every case, in order. */
    public static String sha256(List<Case> cases) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            ObjectMapper json = new ObjectMapper();
            for (Case c : cases) {
                digest.update(json.writeValueAsBytes(c));
                digest.update((byte) '\n');
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException | JsonProcessingException e) {
            throw new IllegalStateException("cannot hash the case set", e);
        }
    }

    /** Passed, failed and skipped counts per level. */
    Map<Level, int[]> countsByLevel() {
        Map<Level, int[]> counts = new EnumMap<>(Level.class);
        for (Level level : Level.values()) {
            counts.put(level, new int[3]);
        }
        outcomes.forEach(o -> counts.get(o.testCase().level())[o.result().ordinal()]++);
        return counts;
    }

}
