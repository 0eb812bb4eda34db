package io.anomalykit.server.write;

import io.anomalykit.server.store.ResultsStore;
import io.anomalykit.server.store.WriteOutcome;
import io.vertx.core.Future;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/** Preloading: the documented example data shipped in the api-model jar, and NDJSON files given at startup. */
public final class Fixtures {

    private static final String DEMO_ROOT = "anomalykit/spec/fixtures/";
    private static final String JOB_SUFFIX = ".job.json";

    private Fixtures() {
    }

    /** What a preload did: how many documents it wrote and the first failures, if any. */
    public record LoadReport(int written, int failed, List<String> firstFailures) {
        public String summary() {
            return written + " documents written" + (failed == 0 ? "" : ", " + failed + " failed: " + firstFailures);
        }
    }

    /**
     * Loads the demo jobs and their results unless the store already has one of those jobs (demo data goes only into
     * an empty store, so a restart does not rewrite it), as jobs of {@code jobVersion}.
     */
    public static Future<LoadReport> loadDemo(ResultsStore store, long nowMillis, String jobVersion) {
        List<String> jobIds = demoJobIds();
        List<Future<Boolean>> existing = jobIds.stream().map(id -> store.job(id).map(java.util.Optional::isPresent)).toList();
        return Future.all(existing).compose(ignored -> {
            if (existing.stream().anyMatch(Future::result)) {
                return Future.succeededFuture(new LoadReport(0, 0, List.of()));
            }
            Future<LoadReport> chain = Future.succeededFuture(new LoadReport(0, 0, List.of()));
            for (String jobId : jobIds) {
                chain = chain.compose(before -> store.createJob(jobId,
                                Jobs.fromCreateRequest(jobId, resource(jobId + JOB_SUFFIX), DatafeedIndicesOptions.DEFAULT,
                                        nowMillis, jobVersion))
                        .compose(created -> loadBulk(store, resource(jobId + ".results.ndjson")))
                        .map(report -> merge(before, report)));
            }
            return chain;
        });
    }

    /** Applies a {@code _bulk} body and refreshes. */
    public static Future<LoadReport> loadBulk(ResultsStore store, byte[] ndjson) {
        return BulkRequests.execute(store, BulkRequests.parse(ndjson), true).map(Fixtures::report);
    }

    public static Future<LoadReport> loadFile(ResultsStore store, Path file) {
        try {
            return loadBulk(store, Files.readAllBytes(file));
        } catch (IOException e) {
            return Future.failedFuture(new UncheckedIOException("cannot read " + file, e));
        }
    }

    private static LoadReport report(List<WriteOutcome> outcomes) {
        List<String> failures = new ArrayList<>();
        int failed = 0;
        for (int item = 0; item < outcomes.size(); item++) {
            WriteOutcome outcome = outcomes.get(item);
            if (outcome.failed()) {
                failed++;
                if (failures.size() < 3) {
                    failures.add("item " + (item + 1) + (outcome.id() == null ? "" : " [" + outcome.id() + "]") + " "
                            + outcome.error().type() + ": " + outcome.error().reason());
                }
            }
        }
        return new LoadReport(outcomes.size() - failed, failed, failures);
    }

    private static LoadReport merge(LoadReport a, LoadReport b) {
        List<String> failures = new ArrayList<>(a.firstFailures());
        failures.addAll(b.firstFailures());
        return new LoadReport(a.written() + b.written(), a.failed() + b.failed(), failures);
    }

    /** The jobs of the demo data: every {@code <job>.job.json} beside the results in the api-model jar. */
    static List<String> demoJobIds() {
        URL root = Objects.requireNonNull(Fixtures.class.getClassLoader().getResource(DEMO_ROOT),
                "the api-model jar with the fixtures is not on the classpath");
        try {
            URI uri = root.toURI();
            if (uri.getScheme().equals("jar")) {
                FileSystem jar;
                try {
                    jar = FileSystems.getFileSystem(uri);
                } catch (FileSystemNotFoundException e) {
                    jar = FileSystems.newFileSystem(uri, Map.of());
                }
                return jobIdsIn(jar.provider().getPath(uri));
            }
            return jobIdsIn(Path.of(uri));
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot list the demo fixtures", e);
        }
    }

    private static List<String> jobIdsIn(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(path -> path.getFileName().toString())
                    .filter(name -> name.endsWith(JOB_SUFFIX))
                    .map(name -> name.substring(0, name.length() - JOB_SUFFIX.length()))
                    .sorted()
                    .toList();
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(DEMO_ROOT + name)) {
            return Objects.requireNonNull(in, () -> "missing fixture " + name).readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
