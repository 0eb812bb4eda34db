package io.anomalykit.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP load from wrk (Debian's package) on loopback: one thread, 16 connections, a bounded duration. */
final class LoadTest {

    record Result(double requestsPerSecond, String p50, String p99) {
    }

    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern P50 = Pattern.compile("\\s50%\\s+(\\S+)");
    private static final Pattern P99 = Pattern.compile("\\s99%\\s+(\\S+)");

    private LoadTest() {
    }

    static Result wrk(String url, String authorization, int seconds) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("wrk", "-t1", "-c16", "-d" + seconds + "s", "--latency",
                "-H", "Authorization: " + authorization, url).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || output.contains("Non-2xx")) {
            throw new IllegalStateException("wrk against " + url + " failed:\n" + output);
        }
        return new Result(Double.parseDouble(find(RATE, output)), find(P50, output), find(P99, output));
    }

    private static String find(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        if (!matcher.find()) {
            throw new IllegalStateException("unexpected wrk output:\n" + output);
        }
        return matcher.group(1);
    }
}
