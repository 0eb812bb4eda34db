package io.anomalykit.server.store;

import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.error.EsException;
import io.anomalykit.server.query.ResultType;
import io.anomalykit.server.security.SecuritySettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The store contract, and what only the cluster store promises, against a real search cluster that a subclass
 * provides at {@link #url}. Each contract test gets an empty cluster; reopening a store within a test keeps what the
 * cluster holds.
 */
abstract class ClusterStoreContract extends ResultsStoreContract {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The cluster's address, set by the subclass before its tests run. */
    protected static URI url;
    private static final Set<Path> emptied = new HashSet<>();

    @Override
    protected Future<ResultsStore> open(Vertx vertx, Path location) {
        emptyOnceFor(location);
        return ClusterResultsStore.open(vertx, settings());
    }

    /** Each test starts on an empty cluster; reopening a store within the test keeps what it holds. */
    private static void emptyOnceFor(Path location) {
        if (emptied.add(location)) {
            deleteIndices();
        }
    }

    private static void deleteIndices() {
        try {
            HttpResponse<String> deleted = HTTP.send(HttpRequest.newBuilder(url.resolve(
                    "/.ml-anomalies-shared,.ml-config,.anomalykit-security?ignore_unavailable=true")).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(200);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void resultsAreKeptInElasticsearchsLayout() throws Exception {
        index(record("laid-out", 1, 10));
        String aliases = HTTP.send(HttpRequest.newBuilder(url.resolve("/.ml-anomalies-shared/_alias")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(aliases).contains("\".ml-anomalies-contract-job\"").contains("\".ml-anomalies-.write-contract-job\"");
        String mapping = HTTP.send(HttpRequest.newBuilder(url.resolve("/.ml-anomalies-shared/_mapping")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(mapping).contains("\"influencers\":{\"type\":\"nested\"").contains("\"timestamp\":{\"type\":\"date\",\"format\":\"epoch_millis||strict_date_optional_time\"}");
        String job = HTTP.send(HttpRequest.newBuilder(url.resolve("/.ml-config/_doc/anomaly_detector-contract-job")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(job).contains("\"found\":true");
        String template = HTTP.send(HttpRequest.newBuilder(url.resolve("/_index_template/anomalykit-ml-anomalies")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        // Below Elasticsearch's own ML results template (priority 2147483647), which therefore wins where it exists.
        assertThat(template).contains("\".ml-anomalies-*\"").contains("\"priority\":100");
    }

    /** The whole server on the cluster store answers the documented data exactly as on the embedded store. */
    @Test
    void theServerAnswersFromTheClusterAsFromTheEmbeddedStore() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-23T00:00:00Z"), ZoneOffset.UTC);
        AnomalyServer onCluster = await(AnomalyServer.builder().port(0).demo(true).clock(clock)
                .security(SecuritySettings.off()).vertx(vertx)
                .clusterStore(new ClusterSettings(url, null, null, null, 30_000, "1s", false)).start());
        AnomalyServer embedded = await(AnomalyServer.builder().port(0).demo(true).clock(clock)
                .security(SecuritySettings.off()).vertx(vertx).dataDirectory(location.resolve("embedded")).start());
        try {
            for (String request : List.of("/it-ops-kpi/results/records?size=100",
                    "/it-ops-kpi/results/records?sort=timestamp&desc=false&exclude_interim=true&size=7&from=2",
                    "/it-ops-kpi/results/records?record_score=50&start=1454944100000&end=1454950000000",
                    "/it-ops-kpi/results/records?sort=probability&size=100",
                    "/it_ops_new_kpi/results/influencers?size=100",
                    "/it_ops_new_kpi/results/influencers?influencer_score=20&desc=false&size=5")) {
                String fromCluster = get(onCluster, request);
                assertThat(JSON.readTree(fromCluster)).as(request).isEqualTo(JSON.readTree(get(embedded, request)));
                assertThat(JSON.readTree(fromCluster).get("count").asLong()).as(request).isPositive();
            }
        } finally {
            await(onCluster.close());
            await(embedded.close());
        }
    }

    private static String get(AnomalyServer server, String request) throws Exception {
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                + "/_ml/anomaly_detectors" + request)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(request + " " + answer.body()).isEqualTo(200);
        return answer.body();
    }

    @Test
    void anUnreachableClusterIsAnElasticsearchError() {
        URI nobody = URI.create("http://127.0.0.1:" + freePort());
        assertThatThrownBy(() -> await(ClusterResultsStore.open(vertx, ClusterSettings.of(nobody))))
                .isInstanceOfSatisfying(EsException.class, e -> {
                    assertThat(e.status()).isEqualTo(503);
                    assertThat(e.type()).isEqualTo("connect_transport_exception");
                    assertThat(e.reason()).contains(nobody.toString()).contains("cannot be reached");
                });
    }

    @Test
    void theStoreAnswersAgainWhenTheClusterComesBack() {
        index(record("kept", 1, 10));
        int port = freePort();
        ResultsStore viaLink = null;
        List<NetSocket> open = new ArrayList<>();
        NetServer link = await(link(port, open));
        try {
            viaLink = await(ClusterResultsStore.open(vertx, new ClusterSettings(
                    URI.create("http://127.0.0.1:" + port), null, null, null, 5_000, "-1", false)));
            assertThat(await(viaLink.search(byScore(ResultType.RECORD, true))).total()).isEqualTo(1);
            await(link.close());
            open.forEach(NetSocket::close);
            ResultsStore down = viaLink;
            assertThatThrownBy(() -> await(down.search(byScore(ResultType.RECORD, true))))
                    .isInstanceOfSatisfying(EsException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.type()).isEqualTo("connect_transport_exception");
                    });
            link = relink(port, open);
            assertThat(await(viaLink.search(byScore(ResultType.RECORD, true))).total()).isEqualTo(1);
        } finally {
            await(link.close());
            if (viaLink != null) {
                await(viaLink.close());
            }
        }
    }

    @Test
    void jobsAreRememberedBrieflyForgottenOnDeleteAndMissingOnesAskedForAgain() {
        ResultsStore other = await(ClusterResultsStore.open(vertx, settings()));
        try {
            assertThat(await(store.job(JOB))).isPresent();
            assertThat(await(store.deleteJob(JOB))).isTrue();
            assertThat(await(store.job(JOB))).as("deleted through this store: forgotten at once").isEmpty();

            assertThat(await(other.job("made-elsewhere"))).isEmpty();
            assertThat(await(store.createJob("made-elsewhere", JSON.createObjectNode()))).isTrue();
            assertThat(await(other.job("made-elsewhere"))).as("a missing job is asked for again").isPresent();

            assertThat(await(store.deleteJob("made-elsewhere"))).isTrue();
            long deadline = System.nanoTime() + ClusterResultsStore.KNOWN_JOB_NANOS * 5;
            while (await(other.job("made-elsewhere")).isPresent() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(await(other.job("made-elsewhere"))).as("deleted elsewhere: seen missing after a while").isEmpty();
        } finally {
            await(other.close());
        }
    }

    @Test
    void aReadOnlyStoreServesWhatTheClusterHoldsAndChangesNothing() throws Exception {
        index(record("kept", 1, 10));
        ResultsStore readOnly = await(ClusterResultsStore.open(vertx, settings().asReadOnly()));
        SecurityStore readOnlySecurity = await(ClusterSecurityStore.open(vertx, settings().asReadOnly()));
        try {
            assertThat(await(readOnly.search(byScore(ResultType.RECORD, true))).total()).isEqualTo(1);
            assertThat(await(readOnly.job(JOB))).isPresent();
            List<Future<?>> writes = List.of(
                    readOnly.write(List.of(new WriteOp(WriteOp.Kind.INDEX, ".ml-anomalies-shared", "x", record("x", 2, 1))), true),
                    readOnly.createJob("another", JSON.createObjectNode()), readOnly.deleteJob(JOB),
                    readOnlySecurity.put("user", "alice", JSON.createObjectNode()),
                    readOnlySecurity.delete("user", "alice"));
            for (Future<?> write : writes) {
                assertThatThrownBy(() -> await(write)).isInstanceOfSatisfying(EsException.class, e -> {
                    assertThat(e.status()).isEqualTo(403);
                    assertThat(e.type()).isEqualTo("cluster_block_exception");
                    assertThat(e.reason()).contains("--store-read-only");
                });
            }
            assertThat(await(store.search(byScore(ResultType.RECORD, true))).total()).as("nothing written").isEqualTo(1);
        } finally {
            await(readOnly.close());
            await(readOnlySecurity.close());
        }

        // On a cluster with nothing of ours, a read-only store opens, finds nothing and installs nothing.
        deleteIndices();
        assertThat(status("DELETE", "/_index_template/anomalykit-ml-anomalies")).isEqualTo(200);
        ResultsStore onEmpty = await(ClusterResultsStore.open(vertx, settings().asReadOnly()));
        try {
            assertThat(await(onEmpty.search(byScore(ResultType.RECORD, true))).total()).isZero();
            assertThat(await(onEmpty.job(JOB))).isEmpty();
        } finally {
            await(onEmpty.close());
        }
        assertThat(status("GET", "/_index_template/anomalykit-ml-anomalies")).isEqualTo(404);
        assertThat(status("HEAD", "/.ml-anomalies-shared")).isEqualTo(404);
    }

    /**
     * Credentials and TLS, through a front like a secured cluster's: HTTPS with a certificate from our own authority,
     * Basic credentials checked, everything else passed to the node. (The node itself runs without its security plugin.)
     */
    @Test
    void credentialsAndTlsReachASecuredCluster() throws Exception {
        String authority = Path.of(ClusterStoreContract.class.getResource("/tls/test-cert.pem").toURI()).toString();
        HttpServer front = await(securedFront("anomalykit", "s3cret"));
        URI secured = URI.create("https://127.0.0.1:" + front.actualPort());
        try {
            ResultsStore viaFront = await(ClusterResultsStore.open(vertx,
                    new ClusterSettings(secured, "anomalykit", "s3cret", authority, 30_000, "-1", false)));
            try {
                await(viaFront.write(List.of(new WriteOp(WriteOp.Kind.INDEX, ".ml-anomalies-shared", "secured",
                        record("secured", 1, 10))), true));
                assertThat(await(viaFront.search(byScore(ResultType.RECORD, true))).total()).isEqualTo(1);
            } finally {
                await(viaFront.close());
            }
            assertThatThrownBy(() -> await(ClusterResultsStore.open(vertx,
                    new ClusterSettings(secured, "anomalykit", "wrong", authority, 30_000, "-1", false))))
                    .isInstanceOfSatisfying(EsException.class, e -> {
                        assertThat(e.status()).isEqualTo(401);
                        assertThat(e.type()).isEqualTo("security_exception");
                    });
            assertThatThrownBy(() -> await(ClusterResultsStore.open(vertx,
                    new ClusterSettings(secured, "anomalykit", "s3cret", null, 30_000, "-1", false))))
                    .as("an authority the JVM does not trust, and no --store-ca")
                    .isInstanceOfSatisfying(EsException.class, e -> {
                        assertThat(e.status()).isEqualTo(503);
                        assertThat(e.type()).isEqualTo("connect_transport_exception");
                    });
        } finally {
            await(front.close());
        }
    }

    private Future<HttpServer> securedFront(String user, String password) throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        io.vertx.core.http.HttpClient toNode = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(url.getHost())
                .setDefaultPort(url.getPort()));
        PemKeyCertOptions certificate = new PemKeyCertOptions()
                .setCertPath(Path.of(ClusterStoreContract.class.getResource("/tls/test-cert.pem").toURI()).toString())
                .setKeyPath(Path.of(ClusterStoreContract.class.getResource("/tls/test-key.pem").toURI()).toString());
        return vertx.createHttpServer(new HttpServerOptions().setSsl(true).setKeyCertOptions(certificate))
                .requestHandler(in -> {
                    if (!expected.equals(in.getHeader("Authorization"))) {
                        in.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"security\"")
                                .putHeader("Content-Type", "application/json")
                                .end("{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate user ["
                                        + user + "] for REST request [" + in.path() + "]\"},\"status\":401}");
                        return;
                    }
                    RequestOptions forward = new RequestOptions().setMethod(in.method()).setURI(in.uri());
                    if (in.getHeader("Content-Type") != null) {
                        forward.putHeader("Content-Type", in.getHeader("Content-Type"));
                    }
                    in.body().compose(body -> toNode.request(forward).compose(out -> out.send(body)))
                            .compose(answer -> answer.body().map(body -> {
                                in.response().setStatusCode(answer.statusCode());
                                if (answer.getHeader("Content-Type") != null) {
                                    in.response().putHeader("Content-Type", answer.getHeader("Content-Type"));
                                }
                                return body;
                            }))
                            .onSuccess(body -> in.response().end(body))
                            .onFailure(failure -> in.response().setStatusCode(502).end());
                })
                .listen(0, "127.0.0.1");
    }

    /** The security store contract on the same cluster. */
    @Nested
    class SecurityObjects extends SecurityStoreContract {

        @Override
        protected Future<SecurityStore> open(Vertx vertx, Path location) {
            emptyOnceFor(location);
            return ClusterSecurityStore.open(vertx, settings());
        }
    }

    private static ClusterSettings settings() {
        return new ClusterSettings(url, null, null, null, 30_000, "-1", false);
    }

    private static int status(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url.resolve(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** A TCP link to the node that the test can cut (server and open connections) and restore on the same port. */
    /**
     * Listens on the link's port again. The port can still be held for a moment after the old listener and its
     * connections closed (the build once failed here with "Address already in use"), so binding is retried briefly.
     */
    private NetServer relink(int port, List<NetSocket> open) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                return await(link(port, open));
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof BindException) || System.nanoTime() > deadline) {
                    throw e;
                }
                await(vertx.timer(100, TimeUnit.MILLISECONDS));
            }
        }
    }

    private Future<NetServer> link(int port, List<NetSocket> open) {
        NetClient client = vertx.createNetClient();
        return vertx.createNetServer().connectHandler(in -> {
            in.pause();
            open.add(in);
            client.connect(url.getPort(), url.getHost()).onSuccess(out -> {
                open.add(out);
                in.pipeTo(out);
                out.pipeTo(in);
                in.resume();
            }).onFailure(failure -> in.close());
        }).listen(port, "127.0.0.1");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
