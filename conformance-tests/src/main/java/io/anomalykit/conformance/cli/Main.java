package io.anomalykit.conformance.cli;

import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.cases.Level;
import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.config.Setting;
import io.anomalykit.conformance.junit.Conformance;
import io.anomalykit.conformance.report.Coverage;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.service.Target;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code java -jar anomalykit-conformance.jar --url URL [settings]} runs the cases the settings select (or
 * {@code --list} prints them): it shows progress, prints a summary per level and per kind, and exits with 0 when the
 * gate passed, 1 when it failed, 2 for bad usage and 3 when the target could not be used at all. The settings are
 * those of {@link Setting}, read from {@code --config FILE} (or {@code anomalykit-kit.yaml}) and overridden by flags.
 */
public final class Main {

    static final int GATE_FAILED = 1;
    static final int BAD_USAGE = 2;
    static final int TARGET_UNUSABLE = 3;
    private static final String CONFIG = "--config";
    private static final String LIST = "--list";

    private Main() {
    }

    /** Runs the CLI and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** The CLI without the exit, with the environment it reads secrets from given, for tests. */
    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CommandLine command = new CommandLine(spec());
        ParseResult parsed;
        KitConfig config;
        try {
            parsed = command.parseArgs(args);
            if (parsed.isUsageHelpRequested()) {
                command.usage(out);
                return 0;
            }
            if (parsed.isVersionHelpRequested()) {
                out.println("anomalykit-conformance " + RunRecord.kitVersion());
                out.println("case set sha256 " + RunRecord.sha256(CaseLibrary.load(CaseLibrary.DEFAULT_SEED).cases())
                        + " (seed " + CaseLibrary.DEFAULT_SEED + ")");
                return 0;
            }
            config = configuration(parsed, env);
            if (!parsed.hasMatchedOption(LIST) && config.url() == null && config.recordDirectory() == null) {
                throw new IllegalArgumentException("--url is required (or url: in the configuration file), unless"
                        + " --record only records the --reference");
            }
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            err.println("anomalykit-conformance: " + e.getMessage());
            err.println("see --help for every option");
            return BAD_USAGE;
        }
        CaseLibrary library = CaseLibrary.load(config.seed());
        if (parsed.hasMatchedOption(LIST)) {
            library.cases().stream().filter(config::selects)
                    .forEach(c -> out.printf("%-12s %-10s %s  %s%n", c.level(), c.kind(), c.id(), c.title()));
            return 0;
        }
        Target target;
        Target reference;
        try {
            target = config.url() == null ? null : config.target().build();
            reference = config.reference() == null ? null : config.reference().build();
        } catch (IllegalArgumentException e) {
            err.println("anomalykit-conformance: " + e.getMessage());
            return BAD_USAGE;
        }
        RunRecord run;
        try {
            Conformance.Progress progress = (outcome, index, total) -> out.printf("%4d/%d %-7s %s%n", index, total,
                    outcome.result(), outcome.testCase().displayName());
            run = reference != null ? Conformance.run(target, reference, config, library, progress)
                    : Conformance.run(target, config, library, progress);
        } catch (UncheckedIOException | IllegalArgumentException e) {
            err.println("anomalykit-conformance: " + e.getMessage());
            return BAD_USAGE;
        }
        if (run.error() != null) {
            err.println("anomalykit-conformance: no case ran: " + run.error());
            reportsWritten(config, out);
            return TARGET_UNUSABLE;
        }
        summarise(run, config, library, out);
        return run.passed() ? 0 : GATE_FAILED;
    }

    /** The configuration file (named, or the default one if present), then every flag given over it. */
    private static KitConfig configuration(ParseResult parsed, Map<String, String> env) {
        String file = parsed.matchedOptionValue(CONFIG, null);
        KitConfig.Builder builder = KitConfig.builder().loadDefaultOr(file == null ? null : Path.of(file), env);
        for (OptionSpec option : parsed.matchedOptions()) {
            String key = option.longestName().substring(2);
            if (option.longestName().equals(CONFIG) || option.longestName().equals(LIST)) {
                continue;
            }
            Object value = option.getValue();
            if (value instanceof List<?> values) {
                values.forEach(v -> builder.set(key, String.valueOf(v)));
            } else {
                builder.set(key, String.valueOf(value));
            }
        }
        return builder.build(env);
    }

    /** The command line: one option per {@link Setting}, plus the configuration file, the listing, help and version. */
    private static CommandSpec spec() {
        CommandSpec spec = CommandSpec.create().name("java -jar anomalykit-conformance.jar");
        spec.mixinStandardHelpOptions(true);
        spec.usageMessage()
                .description("Runs anomalykit's conformance cases against a service that answers like Elasticsearch's"
                        + " anomaly results APIs, and gates on them.",
                        "Settings come from the configuration file, then from the flags; a repeatable flag adds to the"
                        + " file's values. The same names work as keys of anomalykit-kit.yaml and as the JUnit suite's"
                        + " system properties (-Danomalykit.ca-cert=FILE).")
                .footerHeading("%nExit codes:%n")
                .footer("  0  the gate passed: every required case (every case with --strict) passed",
                        "  1  the gate failed",
                        "  2  bad usage: an unknown option, a bad value, an unset environment variable",
                        "  3  the target could not be used: unreachable, or its TLS handshake or the",
                        "     superuser's authentication failed (also an <error> in junit.xml)");
        spec.addOption(OptionSpec.builder(CONFIG).paramLabel("FILE").type(String.class)
                .description("read settings from FILE (YAML; $${VAR} is replaced by the environment variable); default "
                        + KitConfig.DEFAULT_FILE + " when it exists").build());
        for (Setting setting : Setting.values()) {
            OptionSpec.Builder option = OptionSpec.builder("--" + setting.key()).description(setting.description());
            if (setting.isSwitch()) {
                option.arity("0").type(boolean.class);
            } else if (setting.repeatable()) {
                option.paramLabel(setting.label()).type(List.class).auxiliaryTypes(String.class);
            } else {
                option.paramLabel(setting.label()).type(String.class);
            }
            spec.addOption(option.build());
        }
        spec.addOption(OptionSpec.builder(LIST).arity("0").type(boolean.class)
                .description("print the selected cases (level, kind, id, title) without running them").build());
        return spec;
    }

    private static void summarise(RunRecord run, KitConfig config, CaseLibrary library, PrintStream out) {
        Map<Level, int[]> byLevel = new EnumMap<>(Level.class);
        Map<String, int[]> byKind = new TreeMap<>();
        List<Outcome> failures = new ArrayList<>();
        for (Outcome outcome : run.outcomes()) {
            Case c = outcome.testCase();
            int slot = outcome.result().ordinal();
            byLevel.computeIfAbsent(c.level(), k -> new int[3])[slot]++;
            byKind.computeIfAbsent(c.kind(), k -> new int[3])[slot]++;
            if (outcome.result() == Outcome.Result.FAILED) {
                failures.add(outcome);
            }
        }
        out.println();
        failures.forEach(f -> out.println("FAILED " + f.message()));
        if (run.differential() != null) {
            run.differential().warnings().forEach(warning -> out.println("WARNING " + warning));
            out.println("differences from " + run.differential().reference() + ", by cause:");
            run.differential().findings().forEach(finding -> out.printf("  %-9s %s (%d case(s): %s)%n",
                    finding.accepted() == null ? "FAILED" : "ACCEPTED", finding.cause() + (finding.accepted() == null
                            ? "" : ", because " + finding.accepted()), finding.caseIds().size(),
                    String.join(", ", finding.caseIds().subList(0, Math.min(5, finding.caseIds().size())))
                            + (finding.caseIds().size() > 5 ? ", ..." : "")));
        }
        out.println("cases run against " + run.target() + ":");
        byKind.forEach((kind, counts) -> out.printf("  %-14s %d passed, %d failed, %d skipped%n", kind, counts[0], counts[1],
                counts[2]));
        byLevel.forEach((level, counts) -> out.printf("  %-14s %d passed, %d failed, %d skipped%n", level, counts[0],
                counts[1], counts[2]));
        Coverage coverage = Coverage.of(library.cases());
        out.printf("coverage: %d of %d operations of the contract exercised; %d parts not exercised%s%n",
                coverage.operations().values().stream().filter(n -> n > 0).count(), coverage.operations().size(),
                coverage.unexercised().size(), config.reportDirectory() == null ? " (--report lists them)"
                        : " (listed in the reports)");
        coverage.examplesWithoutCase().forEach(example -> out.println("  documented example without a case: " + example));
        reportsWritten(config, out);
        out.printf("generated cases came from seed %d (repeat them with --seed %d)%n", run.seed(), run.seed());
        int[] total = new int[3];
        byLevel.values().forEach(counts -> {
            for (int i = 0; i < 3; i++) {
                total[i] += counts[i];
            }
        });
        out.printf("conformance: %d passed, %d failed, %d skipped%n", total[0], total[1], total[2]);
        out.println("gate: " + run.gate() + (config.strict() ? " (strict: every case gates)" : " (every required case)"));
    }

    private static void reportsWritten(KitConfig config, PrintStream out) {
        if (config.reportDirectory() != null) {
            out.println("reports written to " + config.reportDirectory().toAbsolutePath());
        }
    }
}
