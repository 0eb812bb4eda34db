package io.anomalykit.conformance.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.check.Difference;
import io.anomalykit.conformance.config.KitConfig;
import io.anomalykit.conformance.report.Differential;
import io.anomalykit.conformance.report.RunRecord;
import io.anomalykit.conformance.run.CaseRunner;
import io.anomalykit.conformance.run.JobIds;
import io.anomalykit.conformance.run.Judge;
import io.anomalykit.conformance.run.Outcome;
import io.anomalykit.conformance.run.RunScope;
import io.anomalykit.conformance.service.Dataset;
import io.anomalykit.conformance.service.Persona;
import io.anomalykit.conformance.service.Target;
import io.anomalykit.conformance.service.TargetClient;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Judges a target by a reference instead of by the cases' rules: every selected case and the {@link Exploration} set
 * are sent to both — the reference live (seeded with the same data under the same run prefix) or as a golden set
 * {@link Recording} wrote — and the answers compared by {@link Comparison}. Each case whose answers differ fails, its
 * differences grouped by cause over the whole run; a cause listed in the accepted-differences file is reported as
 * accepted instead. Without a target (recording only) it sends to the reference alone.
 */
public final class DifferentialRun implements Judge {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The environment variables the reference's curls name, beside the target's {@code ANOMALYKIT_URL}. */
    private static final String REFERENCE_VARIABLES = "ANOMALYKIT_REFERENCE";

    private final CaseRunner target;
    private final CaseRunner reference;
    private final Target referenceTarget;
    private final int explorationSize;
    private final Recording.Loaded recording;
    private final String referenceLabel;
    private final CaseLibrary library;
    private final List<Case> cases;
    private final long seed;
    private final RunScope scope;
    private final AcceptedDifferences accepted;
    private final Path recordInto;
    private final JsonNode referenceRoot;
    private final List<String> warnings = new ArrayList<>();
    private final Map<String, List<Divergence>> divergences = new ConcurrentHashMap<>();
    private final Map<String, Differential.SideBySide> answers = new ConcurrentHashMap<>();
    private final Map<String, Recording.Recorded> recorded = new ConcurrentHashMap<>();
    private final KitConfig config;

    private DifferentialRun(Builder builder) {
        this.config = builder.config;
        this.library = builder.library;
        this.seed = builder.seed;
        this.scope = builder.scope;
        this.recording = builder.recording;
        this.referenceTarget = builder.reference;
        this.explorationSize = builder.explorationSize;
        this.target = builder.target == null ? null : new CaseRunner(builder.target, library, scope);
        this.reference = builder.reference == null ? null
                : new CaseRunner(builder.reference, library, scope, REFERENCE_VARIABLES);
        this.referenceLabel = builder.reference != null ? builder.reference.baseUrl().toString()
                : "the recording in " + config.replayDirectory();
        this.accepted = config.acceptedDifferences() == null ? AcceptedDifferences.none()
                : AcceptedDifferences.read(config.acceptedDifferences());
        this.recordInto = config.recordDirectory();
        List<Case> all = new ArrayList<>(library.cases());
        all.addAll(Exploration.cases(library, seed, builder.explorationSize));
        List<Case> selected = all.stream().filter(config::selects).toList();
        if (recording != null) {
            List<String> unknown = recording.answers().keySet().stream()
                    .filter(id -> selected.stream().noneMatch(c -> c.id().equals(id))).toList();
            if (!unknown.isEmpty()) {
                warnings.add(unknown.size() + " recorded case(s) are not among this kit's selected cases and are not"
                        + " replayed (another kit version, or include/exclude): " + String.join(", ",
                        unknown.subList(0, Math.min(10, unknown.size()))) + (unknown.size() > 10 ? ", ..." : ""));
            }
        }
        this.cases = selected;
        this.referenceRoot = recording != null ? recording.manifest().referenceRoot()
                : root(builder.reference).orElse(JSON.createObjectNode());
        if (recording != null && builder.target != null) {
            root(builder.target).ifPresent(targetRoot -> Recording.majorVersionWarning(
                    recording.manifest().referenceVersion(), targetRoot.path("version").path("number").asText("unknown"))
                    .ifPresent(warnings::add));
        }
        warnings.forEach(warning -> System.err.println("WARNING: anomalykit: " + warning));
    }

    /**
     * A live differential run: {@code target} judged against {@code reference}, both seeded under the configuration's
     * run prefix; {@code target} null to only record the reference (the configuration then names a record directory).
     */
    public static DifferentialRun live(Target target, Target reference, KitConfig config, CaseLibrary library) {
        Builder builder = new Builder(config, library, config.seed(), config.explorationSize(), config.scope());
        builder.target = target;
        builder.reference = reference;
        return new DifferentialRun(builder);
    }

    /**
     * {@code target} judged against the golden set in the configuration's replay directory: the cases are made again
     * from the recording's seed and exploration size, and the target is seeded under the recording's run prefix, so
     * that every request is the one recorded.
     *
     * @throws IllegalArgumentException when the directory holds no readable recording
     */
    public static DifferentialRun replay(Target target, KitConfig config) {
        Recording.Loaded recording = Recording.read(config.replayDirectory());
        Recording.Manifest manifest = recording.manifest();
        Builder builder = new Builder(config, CaseLibrary.load(manifest.seed()), manifest.seed(),
                manifest.explorationSize(), new RunScope(manifest.runPrefix(), true));
        builder.target = target;
        builder.recording = recording;
        return new DifferentialRun(builder);
    }

    /** The cases the run judges, in order: the library's selected cases, then the exploration set's. */
    public List<Case> cases() {
        return cases;
    }

    /** The seed the run's generated and exploration cases came from. */
    public long seed() {
        return seed;
    }

    /** Why the reference cannot be used (unreachable, refused the credentials), or empty; a recording always can. */
    public Optional<String> referenceProblem() {
        if (reference == null) {
            return Optional.empty();
        }
        return new TargetClient(referenceTarget).problem(config.waitFor()).map(problem -> "the reference: " + problem);
    }

    @Override
    public Outcome run(Case testCase) {
        long started = System.nanoTime();
        Outcome outcome = judge(testCase);
        return new Outcome(outcome.testCase(), outcome.result(), outcome.differences(), outcome.reason(),
                outcome.reproducer(), (System.nanoTime() - started) / 1_000_000);
    }

    private Outcome judge(Case testCase) {
        Answer expected;
        String referenceCurl;
        if (reference != null) {
            CaseRunner.Sent sent = reference.send(testCase);
            if (sent.notSent() != null) {
                Outcome notSent = sent.notSent();
                return new Outcome(notSent.testCase(), notSent.result(), List.of(), "the reference: " + notSent.reason(),
                        null, 0);
            }
            if (sent.reply() == null) {
                return new Outcome(sent.testCase(), Outcome.Result.FAILED, List.of(), "the reference did not answer: "
                        + sent.failure(), sent.reproducer(), 0);
            }
            expected = Answer.of(sent.reply());
            referenceCurl = sent.reproducer();
            if (recordInto != null) {
                recorded.put(testCase.id(), new Recording.Recorded(sent.testCase().request(), referenceCurl, expected));
            }
            if (target == null) {
                return new Outcome(sent.testCase(), Outcome.Result.PASSED, List.of(), "recorded", null, 0);
            }
        } else {
            Optional<Answer> answer = recording.answer(testCase.id());
            if (answer.isEmpty()) {
                return new Outcome(testCase, Outcome.Result.SKIPPED, List.of(), "skipped: not in the recording", null, 0);
            }
            expected = answer.get();
            referenceCurl = recording.curls().get(testCase.id());
        }
        CaseRunner.Sent sent = target.send(testCase);
        if (sent.notSent() != null) {
            return sent.notSent();
        }
        if (sent.reply() == null) {
            return new Outcome(sent.testCase(), Outcome.Result.FAILED, List.of(), sent.failure(), sent.reproducer(), 0);
        }
        Answer actual = Answer.of(sent.reply());
        List<Divergence> found = Comparison.compare(expected, actual);
        if (found.isEmpty()) {
            return new Outcome(sent.testCase(), Outcome.Result.PASSED, List.of(), null, null, 0);
        }
        divergences.put(testCase.id(), found);
        answers.put(testCase.id(), new Differential.SideBySide(referenceCurl, expected.display(), sent.reproducer(),
                actual.display()));
        List<Divergence> failing = found.stream().filter(d -> accepted.reason(d.cause()).isEmpty()).toList();
        String causes = found.stream().map(d -> d.cause() + accepted.reason(d.cause()).map(r -> " (accepted: " + r + ")")
                .orElse("")).distinct().collect(Collectors.joining("; "));
        if (failing.isEmpty()) {
            return new Outcome(sent.testCase(), Outcome.Result.PASSED, List.of(), "accepted differences from the"
                    + " reference: " + causes, null, 0);
        }
        return new Outcome(sent.testCase(), Outcome.Result.FAILED, failing.stream()
                .map(d -> new Difference(d.path(), d.reference() + " (reference)", d.target())).toList(),
                "differs from the reference: " + causes, "reference: " + referenceCurl + "\n    target:    "
                + sent.reproducer(), 0);
    }

    @Override
    public List<String> deleteCreated() {
        List<String> leftBehind = new ArrayList<>();
        if (target != null) {
            leftBehind.addAll(target.deleteCreated());
        }
        if (reference != null) {
            reference.deleteCreated().forEach(left -> leftBehind.add("on the reference: " + left));
        }
        return leftBehind;
    }

    /**
     * The run's record with what the comparison found, every case gating; writes the recording first when the run
     * records.
     */
    public RunRecord complete(RunRecord record) {
        if (recordInto != null) {
            JobIds jobIds = new JobIds(scope.prefix(), library.jobIds());
            Map<String, Dataset> datasets = new LinkedHashMap<>();
            cases.stream().map(Case::dataset).distinct()
                    .forEach(name -> datasets.put(name, jobIds.rename(library.dataset(name))));
            Map<String, Recording.Recorded> inOrder = new LinkedHashMap<>();
            cases.stream().filter(c -> recorded.containsKey(c.id())).forEach(c -> inOrder.put(c.id(), recorded.get(c.id())));
            Recording.write(recordInto, new Recording.Manifest(RunRecord.kitVersion(), referenceRoot, seed,
                    explorationSize, scope.prefix()), inOrder, datasets);
        }
        return new RunRecord(record.target(), record.seed(), record.finished(), record.cases(), record.outcomes(), true,
                record.error(), record.leftBehind(), new Differential(referenceLabel, warnings, findings(), answers));
    }

    /** The differences grouped by cause, the causes shown by most cases first. */
    private List<Differential.Finding> findings() {
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < cases.size(); i++) {
            order.put(cases.get(i).id(), i);
        }
        Map<String, List<String>> byCause = new LinkedHashMap<>();
        divergences.entrySet().stream().sorted(Comparator.comparing(e -> order.getOrDefault(e.getKey(), -1)))
                .forEach(e -> e.getValue().stream().map(Divergence::cause).distinct()
                        .forEach(cause -> byCause.computeIfAbsent(cause, k -> new ArrayList<>()).add(e.getKey())));
        return byCause.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, List<String>> e) -> -e.getValue().size())
                        .thenComparing(Map.Entry::getKey))
                .map(e -> new Differential.Finding(e.getKey(), accepted.reason(e.getKey()).orElse(null), e.getValue()))
                .toList();
    }

    private static Optional<JsonNode> root(Target target) {
        if (target == null) {
            return Optional.empty();
        }
        try {
            TargetClient.Reply reply = new TargetClient(target).send("GET", "/", null, null,
                    target.credentials(Persona.SUPERUSER).orElse(null), Map.of());
            return reply.status() == 200 ? Optional.of(JSON.readTree(reply.body())) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static final class Builder {
        private final KitConfig config;
        private final CaseLibrary library;
        private final long seed;
        private final int explorationSize;
        private final RunScope scope;
        private Target target;
        private Target reference;
        private Recording.Loaded recording;

        private Builder(KitConfig config, CaseLibrary library, long seed, int explorationSize, RunScope scope) {
            this.config = config;
            this.library = library;
            this.seed = seed;
            this.explorationSize = explorationSize;
            this.scope = scope;
        }
    }
}
