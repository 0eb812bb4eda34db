package io.anomalykit.conformance.cli;

import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.cases.Level;
import io.anomalykit.conformance.report.Coverage;
import io.anomalykit.conformance.report.Reports;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.CaseRunner;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.Target;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code java -jar anomalykit-conformance.jar --url URL [--user U --password-env VAR] [--include PATTERN]
 * [--level required|recommended|optional] [--seed N] [--report DIR]} runs the cases
 * (or {@code --list} prints the rule catalogue): it shows progress, prints a summary per level and per kind,
 * and exits with 1 when a required case failed (2 for bad usage).
 */
public final class Main {

    static final int REQUIRED_FAILED = 1;
    static final int BAD_USAGE = 2;

    private Main() {
    }

    /** Runs the CLI and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** The CLI without the exit, for tests. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args, env);
        } catch (IllegalArgumentException e) {
            err.println("anomalykit-conformance: " + e.getMessage());
            err.println("usage: --url URL [--user U --password-env VAR] [--include REGEX] [--level required|recommended|optional]"
                    + " [--seed N] [--report DIR]  |  --list");
            return BAD_USAGE;
        }
        if (options.list) {
            for (Case c : CaseLibrary.load(options.seed).cases()) {
                out.printf("%-12s %-10s %s  %s%n", c.level(), c.kind(), c.id(), c.title());
            }
            return 0;
        }
        Target.Builder target = Target.at(options.url);
        if (options.user != null) {
            target.superuser(options.user, options.password);
        }
        CaseLibrary library = CaseLibrary.load(options.seed);
        CaseRunner runner = new CaseRunner(target.build(), library);
        List<Case> selected = new ArrayList<>();
        for (Case c : library.cases()) {
            if (options.include.matcher(c.id()).find() && c.level().ordinal() <= options.level.ordinal()) {
                selected.add(c);
            }
        }
        Map<Level, int[]> byLevel = new EnumMap<>(Level.class);
        Map<String, int[]> byKind = new TreeMap<>();
        List<Outcome> failures = new ArrayList<>();
        List<Outcome> outcomes = new ArrayList<>();
        int index = 0;
        for (Case c : selected) {
            Outcome outcome = runner.run(c);
            outcomes.add(outcome);
            index++;
            out.printf("%4d/%d %-7s %s%n", index, selected.size(), outcome.result(), c.displayName());
            int slot = outcome.result().ordinal();
            byLevel.computeIfAbsent(c.level(), k -> new int[3])[slot]++;
            byKind.computeIfAbsent(c.kind(), k -> new int[3])[slot]++;
            if (outcome.result() == Outcome.Result.FAILED) {
                failures.add(outcome);
            }
        }
        out.println();
        failures.forEach(f -> out.println("FAILED " + f.message()));
        out.println("cases run against " + options.url + ":");
        byKind.forEach((kind, counts) -> out.printf("  %-14s %d passed, %d failed, %d skipped%n", kind, counts[0], counts[1],
                counts[2]));
        int requiredFailed = 0;
        for (Map.Entry<Level, int[]> level : byLevel.entrySet()) {
            int[] counts = level.getValue();
            out.printf("  %-14s %d passed, %d failed, %d skipped%n", level.getKey(), counts[0], counts[1], counts[2]);
            if (level.getKey() == Level.REQUIRED) {
                requiredFailed = counts[1];
            }
        }
        int passed = byLevel.values().stream().mapToInt(c -> c[0]).sum();
        int failed = byLevel.values().stream().mapToInt(c -> c[1]).sum();
        int skipped = byLevel.values().stream().mapToInt(c -> c[2]).sum();
        Coverage coverage = Coverage.of(library.cases());
        out.printf("coverage: %d of %d operations of the contract exercised; %d parts not exercised%s%n",
                coverage.operations().values().stream().filter(n -> n > 0).count(), coverage.operations().size(),
                coverage.unexercised().size(), options.reports == null ? " (--report lists them)" : " (listed in the reports)");
        coverage.examplesWithoutCase().forEach(example -> out.println("  documented example without a case: " + example));
        if (options.reports != null) {
            try {
                Reports.write(options.reports, new RunRecord(options.url, options.seed, Instant.now(), selected, outcomes));
                out.println("reports written to " + options.reports.toAbsolutePath());
            } catch (IOException e) {
                err.println("anomalykit-conformance: cannot write reports to " + options.reports + ": " + e.getMessage());
            }
        }
        out.printf("generated cases came from seed %d (repeat them with --seed %d)%n", options.seed, options.seed);
        out.printf("conformance: %d passed, %d failed, %d skipped%n", passed, failed, skipped);
        return requiredFailed > 0 ? REQUIRED_FAILED : 0;
    }

    private static final class Options {
        String url;
        String user;
        String password;
        Pattern include = Pattern.compile("");
        Level level = Level.OPTIONAL;
        long seed = CaseLibrary.DEFAULT_SEED;
        Path reports;
        boolean list;

        static Options parse(String[] args, Map<String, String> env) {
            Options options = new Options();
            String passwordVariable = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--url" -> options.url = value(args, ++i, "--url");
                    case "--user" -> options.user = value(args, ++i, "--user");
                    case "--password-env" -> passwordVariable = value(args, ++i, "--password-env");
                    case "--include" -> options.include = Pattern.compile(value(args, ++i, "--include"));
                    case "--level" -> options.level = Level.of(value(args, ++i, "--level"));
                    case "--seed" -> options.seed = parseSeed(value(args, ++i, "--seed"));
                    case "--report" -> options.reports = Path.of(value(args, ++i, "--report"));
                    case "--list" -> options.list = true;
                    default -> throw new IllegalArgumentException("unknown option [" + args[i] + "]");
                }
            }
            if (options.url == null && !options.list) {
                throw new IllegalArgumentException("--url is required");
            }
            if (passwordVariable != null) {
                if (options.user == null) {
                    throw new IllegalArgumentException("--password-env needs --user");
                }
                options.password = env.get(passwordVariable);
                if (options.password == null) {
                    throw new IllegalArgumentException("environment variable " + passwordVariable + " is not set");
                }
            } else if (options.user != null) {
                throw new IllegalArgumentException("--user needs --password-env (passwords are never given on the command line)");
            }
            return options;
        }

        private static long parseSeed(String text) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--seed must be a whole number, not [" + text + "]");
            }
        }

        private static String value(String[] args, int index, String flag) {
            if (index >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[index];
        }
    }
}
