package io.anomalykit.conformance.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.conformance.cases.Case;
import io.anomalykit.conformance.cases.CaseLibrary;
import io.anomalykit.conformance.check.BodyFormats;
import io.anomalykit.conformance.check.Difference;
import io.anomalykit.conformance.check.JsonComparison;
import io.anomalykit.conformance.check.SchemaCheck;
import io.anomalykit.conformance.service.Capability;
import io.anomalykit.conformance.service.Cleanup;
import io.anomalykit.conformance.service.Credentials;
import io.anomalykit.conformance.service.Persona;
import io.anomalykit.conformance.service.Target;
import io.anomalykit.conformance.service.TargetClient;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Runs cases against one target: seeds each dataset once (under the run's prefix), sends the request, and checks
 * status, headers, error type, body, ordering and the contract's schema; at the end, deletes what it created. The JUnit
 * suite and the CLI both run cases through this class. Cases may run on several threads at once: each dataset is seeded
 * once (the others wait for it) and the personas are created once.
 */
public final class CaseRunner implements Judge {

    private final Target target;
    private final CaseLibrary library;
    private final RunScope scope;
    private final JobIds jobIds;
    private final TargetClient client;
    private final String variables;
    private final Cleanup cleanup = new Cleanup();
    /** Each dataset seeded so far, with how: empty when it went well, else the refusal every case of it reports. */
    private final Map<String, Optional<RuntimeException>> seeded = new ConcurrentHashMap<>();
    private Map<String, Credentials> seededPersonas;
    private RuntimeException personasFailure;

    /**
     * A runner against {@code target} within {@code scope}: it seeds the datasets of {@code library} as its cases need
     * them, under the scope's prefix, unless the scope does not seed.
     */
    public CaseRunner(Target target, CaseLibrary library, RunScope scope) {
        this(target, library, scope, "ANOMALYKIT");
    }

    /**
     * As {@link #CaseRunner(Target, CaseLibrary, RunScope)}, its reproducers naming the target's address and secret by
     * environment variables starting with {@code variables} ({@code ANOMALYKIT_REFERENCE}: {@code
     * $ANOMALYKIT_REFERENCE_URL}, {@code $ANOMALYKIT_REFERENCE_PASSWORD}), so that two targets' curls do not mix.
     */
    public CaseRunner(Target target, CaseLibrary library, RunScope scope, String variables) {
        this.variables = variables;
        this.target = target;
        this.library = library;
        this.scope = scope;
        this.jobIds = new JobIds(scope.prefix(), library.jobIds());
        this.client = new TargetClient(target);
    }

    /**
     * Runs one case (seeding its dataset first if this runner has not yet) and says how it ended. The outcome's case is
     * the case as sent: its job ids carry the run's prefix.
     */
    @Override
    public Outcome run(Case testCase) {
        long started = System.nanoTime();
        Outcome outcome = evaluate(testCase);
        return new Outcome(outcome.testCase(), outcome.result(), outcome.differences(), outcome.reason(), outcome.reproducer(),
                (System.nanoTime() - started) / 1_000_000);
    }

    private Outcome evaluate(Case testCase) {
        Sent sent = send(testCase);
        if (sent.notSent() != null) {
            return sent.notSent();
        }
        if (sent.reply() == null) {
            return new Outcome(sent.testCase(), Outcome.Result.FAILED, List.of(), sent.failure(), sent.reproducer(), 0);
        }
        List<Difference> differences = check(sent.testCase(), sent.reply());
        return new Outcome(sent.testCase(), differences.isEmpty() ? Outcome.Result.PASSED : Outcome.Result.FAILED,
                differences, null, differences.isEmpty() ? null : sent.reproducer(), 0);
    }

    /**
     * What sending one case gave, before any check.
     *
     * @param testCase   the case as sent (its job ids carry the run's prefix)
     * @param reply      the answer, or null when the case was not sent or the request failed
     * @param failure    why the request failed, or null
     * @param reproducer a curl command repeating the request, or null when it was not sent
     * @param notSent    the outcome of a case skipped or failed before sending (opted out, a capability lacking, the
     *                   seeding refused…), or null
     */
    public record Sent(Case testCase, TargetClient.Reply reply, String failure, String reproducer, Outcome notSent) {
    }

    /**
     * Sends one case (seeding its dataset first if this runner has not yet) without checking the answer: the
     * differential run compares it with another target's instead.
     */
    public Sent send(Case testCase) {
        Optional<String> optOut = target.optOutReason(testCase.id());
        if (optOut.isPresent()) {
            return notSent(new Outcome(testCase, Outcome.Result.SKIPPED, List.of(), "opted out by the implementer: "
                    + optOut.get(), null, 0));
        }
        for (Capability need : testCase.needs()) {
            if (!target.supports(need)) {
                return notSent(new Outcome(testCase, Outcome.Result.SKIPPED, List.of(),
                        "skipped: the target does not declare " + need, null, 0));
            }
        }
        if (!scope.seeds() && !testCase.dataset().equals(CaseLibrary.DOCUMENTED_DATASET)) {
            return notSent(new Outcome(testCase, Outcome.Result.SKIPPED, List.of(), "skipped: the run does not seed"
                    + " (no-seed) and the dataset " + testCase.dataset() + " is not among the documented fixtures", null, 0));
        }
        Optional<RuntimeException> seedFailure = scope.seeds() ? seed(testCase.dataset()) : Optional.empty();
        if (seedFailure.isPresent()) {
            return notSent(new Outcome(testCase, Outcome.Result.FAILED, List.of(), seedFailure.get().getMessage(), null, 0));
        }
        testCase = jobIds.rename(testCase);
        Case.Request request = testCase.request();
        Optional<Credentials> credentials;
        try {
            credentials = credentialsFor(request.persona());
        } catch (RuntimeException e) {
            return notSent(new Outcome(testCase, Outcome.Result.FAILED, List.of(), "creating the personas failed: "
                    + e.getMessage(), null, 0));
        }
        if (credentials == null) {
            return notSent(new Outcome(testCase, Outcome.Result.SKIPPED, List.of(),
                    "skipped: no credentials for the persona " + request.persona(), null, 0));
        }
        String pathAndQuery = request.path() + query(request.query());
        String body = request.rawBody() != null ? request.rawBody() : request.body() == null ? null : request.body().toString();
        byte[] bytes = request.format() != null && request.rawBody() == null && request.body() != null
                ? BodyFormats.encode(request.format(), request.body()) : body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        String reproducer = reproducer(request, credentials.orElse(null), pathAndQuery, body);
        try {
            return new Sent(testCase, client.sendBytes(request.method(), pathAndQuery, bytes, request.contentType(),
                    credentials.orElse(null), request.headers()), null, reproducer, null);
        } catch (RuntimeException e) {
            return new Sent(testCase, null, e.getMessage(), reproducer, null);
        }
    }

    private static Sent notSent(Outcome outcome) {
        return new Sent(outcome.testCase(), null, null, null, outcome);
    }

    /**
     * The credentials a persona speaks with: empty for none (anonymous), null when the persona is unknown to the
     * target and cannot be created.
     */
    private Optional<Credentials> credentialsFor(String persona) {
        Optional<Credentials> superuser = target.credentials(Persona.SUPERUSER);
        if (persona == null || persona.equals(Persona.SUPERUSER)) {
            return superuser;
        }
        if (persona.equals(Persona.ANONYMOUS)) {
            return Optional.empty();
        }
        if (persona.equals(Persona.WRONG_PASSWORD)) {
            return wrongPassword();
        }
        Optional<Credentials> given = target.credentials(persona);
        if (given.isPresent()) {
            return given;
        }
        return seededPersonas().containsKey(persona) ? Optional.of(seededPersonas().get(persona)) : null;
    }

    /** The personas the seeder created, once per run; a refusal is remembered too, so no case creates them again. */
    private synchronized Map<String, Credentials> seededPersonas() {
        if (seededPersonas == null && personasFailure == null) {
            try {
                seededPersonas = scope.seeds() ? target.seeder().personas(target, scope.prefix(), cleanup) : Map.of();
            } catch (RuntimeException e) {
                personasFailure = e;
            }
        }
        if (personasFailure != null) {
            throw personasFailure;
        }
        return seededPersonas;
    }

    /**
     * A known user's name with a wrong password: the superuser's, or, when the superuser speaks with an API key, the
     * first persona's with a password; null when no persona has one.
     */
    private Optional<Credentials> wrongPassword() {
        Optional<Credentials> superuser = target.credentials(Persona.SUPERUSER);
        Optional<Credentials> basic = superuser.filter(Credentials.Basic.class::isInstance);
        if (basic.isEmpty() && superuser.isPresent()) {
            basic = seededPersonas().values().stream().filter(Credentials.Basic.class::isInstance).findFirst();
        }
        if (basic.isEmpty()) {
            return superuser.isPresent() ? null : Optional.empty();
        }
        Credentials.Basic known = (Credentials.Basic) basic.get();
        return Optional.of(new Credentials.Basic(known.user(), known.password() + "-but-wrong"));
    }

    /** Seeds the dataset once: the seeder refuses jobs that are already there, the run's own included. */
    private Optional<RuntimeException> seed(String dataset) {
        return seeded.computeIfAbsent(dataset, name -> {
            try {
                target.seeder().seed(target, jobIds.rename(library.dataset(name)), cleanup);
                return Optional.empty();
            } catch (RuntimeException e) {
                return Optional.of(e);
            }
        });
    }

    /**
     * Deletes everything this runner created on the target, whatever happened before.
     *
     * @return what could not be deleted, each with the reason; empty when everything was
     */
    @Override
    public List<String> deleteCreated() {
        return cleanup.deleteAll();
    }

    private static List<Difference> check(Case testCase, TargetClient.Reply reply) {
        Case.Expectation expect = testCase.expect();
        List<Difference> differences = new ArrayList<>();
        if (expect.status() != null && expect.status() != reply.status()) {
            differences.add(new Difference("(status)", String.valueOf(expect.status()), String.valueOf(reply.status())));
        }
        expect.headers().forEach((name, value) -> {
            if (!value.equals(reply.header(name))) {
                differences.add(new Difference("(header " + name + ")", value, String.valueOf(reply.header(name))));
            }
        });
        for (String name : expect.absentHeaders()) {
            if (reply.header(name) != null) {
                differences.add(new Difference("(header " + name + ")", "no such header", reply.header(name)));
            }
        }
        JsonNode body;
        String format = BodyFormats.ofContentType(reply.header("Content-Type"));
        try {
            // Read by its Content-Type: an answer in YAML, CBOR or Smile is checked as the same tree as JSON.
            body = BodyFormats.decode(reply.header("Content-Type"), reply.bytes());
        } catch (IOException e) {
            String start = reply.body().length() > 80 ? reply.body().substring(0, 80) + "..." : reply.body();
            differences.add(new Difference("", "a " + format.toUpperCase(Locale.ROOT) + " body",
                    "not " + format.toUpperCase(Locale.ROOT) + ": " + start));
            return differences;
        }
        if (expect.errorType() != null) {
            JsonNode type = body.path("error").path("type");
            if (!expect.errorType().equals(type.asText(null))) {
                differences.add(new Difference("/error/type", expect.errorType(), JsonComparison.describe(type)));
            }
        }
        if (expect.reasonContains() != null) {
            JsonNode error = body.path("error");
            String reason = error.isTextual() ? error.asText() : error.path("reason").asText("");
            if (!reason.contains(expect.reasonContains())) {
                differences.add(new Difference(error.isTextual() ? "/error" : "/error/reason",
                        "a reason containing \"" + expect.reasonContains() + "\"", "\"" + reason + "\""));
            }
        }
        if (expect.body() != null) {
            differences.addAll(JsonComparison.compare(expect.body(), body, expect.prefixArrays()));
        }
        expect.at().forEach((pointer, value) -> {
            JsonNode actual = body.at(pointer);
            if (!JsonComparison.sameValue(value, actual)) {
                differences.add(new Difference(pointer, value.toString(), JsonComparison.describe(actual)));
            }
        });
        expect.lengths().forEach((pointer, length) -> {
            JsonNode array = body.at(pointer);
            if (!array.isArray() || array.size() != length) {
                differences.add(new Difference(pointer, length + " items",
                        array.isArray() ? array.size() + " items" : JsonComparison.describe(array)));
            }
        });
        if (expect.sortedBy() != null) {
            differences.addAll(Ordering.check(expect.sortedBy(), body));
        }
        if (expect.validateSchema() && !body.isMissingNode()) {
            differences.addAll(SchemaCheck.get().validate(testCase.request().method(), testCase.request().path(),
                    reply.status(), body));
        }
        return differences;
    }

    private static String query(Map<String, String> query) {
        if (query.isEmpty()) {
            return "";
        }
        return query.entrySet().stream()
                .map(e -> encode(e.getKey()) + (e.getValue().isEmpty() ? "" : "=" + encode(e.getValue())))
                .collect(Collectors.joining("&", "?", ""));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** A curl command that repeats the request, with the secret left in an environment variable. */
    private String reproducer(Case.Request request, Credentials credentials, String pathAndQuery, String body) {
        StringBuilder curl = new StringBuilder("curl -s -X ").append(request.method()).append(" \"$").append(variables)
                .append("_URL")                .append(pathAndQuery).append('"');
        if (credentials != null) {
            curl.append(" -H \"Authorization: ").append(credentials.redactedAuthorization(variables + "_PASSWORD")).append('"');
        }
        request.headers().forEach((k, v) -> curl.append(" -H '").append(k).append(": ").append(v).append('\''));
        if (body != null) {
            curl.append(" -H 'Content-Type: ").append(request.contentType()).append("' -d '")
                    .append(body.replace("'", "'\\''")).append('\'');
            if (request.format() != null && request.rawBody() == null) {
                curl.append("  # the body above, written in ").append(request.format().toUpperCase(Locale.ROOT));
            }
        }
        return variables + "_URL=" + target.baseUrl() + " " + curl;
    }
}
