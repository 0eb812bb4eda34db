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

/** One run of the kit against one target: what every report is written from. */
public record RunRecord(String target, long seed, Instant finished, List<Case> cases, List<Outcome> outcomes) {

    public RunRecord {
        cases = List.copyOf(cases);
        outcomes = List.copyOf(outcomes);
    }

    /** The kit's version, as built. */
    static String kitVersion() {
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

    /** SHA-256 of the whole case set (every case, in order), so a published result names exactly what was run. */
    String caseSetSha256() {
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

    long failedRequired() {
        return outcomes.stream().filter(o -> o.result() == Outcome.Result.FAILED && o.testCase().level() == Level.REQUIRED)
                .count();
    }
}
