package io.anomalykit.server.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import io.anomalykit.server.AnomalyServer;
import io.anomalykit.server.TestServer;
import io.anomalykit.server.http.AnomalyRoutes;
import io.anomalykit.server.http.EmulatedVersion;
import io.anomalykit.server.http.EndpointGroup;
import io.anomalykit.server.http.HealthCheck;
import io.anomalykit.server.security.CredentialPool;
import io.anomalykit.server.security.LoginThrottle;
import io.anomalykit.server.security.Security;
import io.anomalykit.server.security.SecuritySettings;
import io.anomalykit.server.store.ResultsStore;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzed requests against every route: bad JSON, wrong types, huge numbers, odd Unicode (lone surrogates, NUL, bytes
 * that are not UTF-8), odd and unknown methods, odd content types, deep nesting, oversized headers and bodies (some sent
 * chunked), odd paths and percent-encodings. Every request must get an answer (no dropped connection, no hang), never a 5xx, never
 * HTML, and a 4xx has Elasticsearch's JSON error body (or, where Elasticsearch answers a missing document or user with
 * a 404 that is no error, that body). Seeded: the seed is printed, and {@code -Danomalykit.fuzz.seed=N} replays it;
 * {@code -Danomalykit.fuzz.requests=N} sets how many (the {@code reliability} profile sends 100,000).
 */
class FuzzTest {

    private static final int REQUESTS = Integer.getInteger("anomalykit.fuzz.requests", 3000);
    private static final long MAX_BODY = 64 * 1024;

    @TempDir
    Path data;

    /** The paths the server routes, read from the router {@link AnomalyRoutes} builds, not copied. */
    static List<String> routePaths() {
        Vertx vertx = Vertx.vertx();
        try {
            Router router = AnomalyRoutes.create(vertx, (ResultsStore) null, Security.load(SecuritySettings.off()),
                    Clock.systemUTC(), AnomalyRoutes.MAX_BODY_BYTES, Long.MAX_VALUE, EmulatedVersion.DEFAULT,
                    CredentialPool.withDefaults(), EnumSet.allOf(EndpointGroup.class), new HealthCheck(Map.of()),
                    LoginThrottle.OFF, vertx.createSharedWorkerExecutor("fuzz-routes"));
            return router.getRoutes().stream().map(Route::getPath).filter(Objects::nonNull).distinct().toList();
        } finally {
            vertx.close();
        }
    }

    @Test
    void fuzzedRequestsGetElasticsearchAnswersNeverA5xxOrADroppedConnection() throws Exception {
        long seed = Long.getLong("anomalykit.fuzz.seed", System.nanoTime());
        System.out.println("FuzzTest seed " + seed + " (replay: -Danomalykit.fuzz.seed=" + seed + "), " + REQUESTS
                + " requests");
        List<String> paths = routePaths();
        assertThat(paths).as("the routes AnomalyRoutes mounts").contains("/_bulk", "/:index/_doc/:id", "/")
                .hasSizeGreaterThan(15);
        AnomalyServer server = AnomalyServer.builder().port(0).dataDirectory(data).demo(true).maxBodyBytes(MAX_BODY)
                .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
        Requests requests = new Requests(new Random(seed), paths);
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        int[] byClass = new int[6];
        Requests.Request previous = null;
        try (RawHttp http = new RawHttp(server.port())) {
            for (int i = 0; i < REQUESTS && failures.size() < 20; i++) {
                Requests.Request request = requests.next();
                String problem;
                try {
                    RawHttp.Answer answer = http.exchange(request.head(), request.wire(), request.isHead());
                    byClass[answer.status() / 100]++;
                    problem = judge(request, answer);
                } catch (IOException e) {
                    problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                }
                if (problem != null) {
                    failures.add("#" + i + " " + problem + "\n  request: " + request.describe()
                            + (previous == null ? "" : "\n  after: " + previous.describe()));
                }
                previous = request;
            }
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
        System.out.printf(Locale.ROOT, "FuzzTest: %d requests in %.1f s; 2xx %d, 3xx %d, 4xx %d, 5xx %d%n", REQUESTS,
                (System.nanoTime() - started) / 1e9, byClass[2], byClass[3], byClass[4], byClass[5]);
        assertThat(failures).as("seed " + seed).isEmpty();
    }

    /** What the fuzzer found, kept fixed: each was a 500 or a connection closed without warning. */
    @Test
    void itsFindsStayFixed() throws Exception {
        AnomalyServer server = AnomalyServer.builder().port(0).dataDirectory(data).demo(true)
                .security(new SecuritySettings(true, null, TestServer.ELASTIC_PASSWORD, true)).start()
                .toCompletionStage().toCompletableFuture().get(2, TimeUnit.MINUTES);
        try (RawHttp http = new RawHttp(server.port())) {
            // A lone surrogate echoed back in a CBOR (or YAML, Smile) error body: U+FFFD, as a UTF-8 encoder writes it.
            byte[] body = "{\"job_id\":\"\\ud800\"}".getBytes(StandardCharsets.UTF_8);
            RawHttp.Answer cbor = http.exchange(("PUT /_ml/anomaly_detectors/it-ops-kpi HTTP/1.1\r\nHost: x\r\n"
                    + "Authorization: " + TestServer.SUPERUSER_AUTHORIZATION + "\r\nAccept: application/cbor\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n")
                    .getBytes(StandardCharsets.UTF_8), body, false);
            assertThat(cbor.status()).isEqualTo(400);
            assertThat(cbor.header("content-type")).startsWith("application/cbor");
            // A request line the decoder cannot read: answered, and the client told the connection closes.
            RawHttp.Answer broken = http.exchange("GET /a b/c HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.UTF_8),
                    new byte[0], false);
            assertThat(broken.status()).isEqualTo(400);
            assertThat(broken.header("connection")).isEqualToIgnoringCase("close");
            assertThat(http.exchange(("GET / HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestServer.SUPERUSER_AUTHORIZATION
                    + "\r\n").getBytes(StandardCharsets.UTF_8), new byte[0], false).status()).isEqualTo(200);
        } finally {
            server.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    /** What is wrong with an answer, or null. */
    private static String judge(Requests.Request request, RawHttp.Answer answer) {
        int status = answer.status();
        if (status >= 500) {
            return "answered " + status + ": " + answer.text();
        }
        String type = answer.header("content-type");
        String text = answer.text();
        if (text.stripLeading().startsWith("<") || (type != null && type.toLowerCase(Locale.ROOT).contains("html"))) {
            return "an HTML answer: " + type + " " + text;
        }
        if (status < 400 || request.isHead() || answer.body().length == 0 && status == 405) {
            return null;
        }
        if (type == null || !type.toLowerCase(Locale.ROOT).contains("json")) {
            // The answer's format follows Accept (YAML, CBOR, Smile): a format Elasticsearch speaks, never plain text.
            return type != null && (type.contains("yaml") || type.contains("cbor") || type.contains("smile")) ? null
                    : status + " without a JSON body: " + type + " " + text;
        }
        JsonNode body;
        try {
            body = TestServer.JSON.readTree(answer.body());
        } catch (IOException e) {
            return status + " with a body that is not JSON: " + text;
        }
        if (body == null || !body.isObject()) {
            return status + " with a body that is not a JSON object: " + text;
        }
        if (body.has("error")) {
            // Elasticsearch's "no handler found" answer is a bare string without a status (RestController.handleNoHandlerFound).
            JsonNode error = body.get("error");
            boolean shaped = error.isTextual() && (!body.has("status") || body.path("status").asInt() == status)
                    || error.path("type").isTextual() && error.path("reason").isTextual()
                    && body.path("status").asInt() == status;
            return shaped ? null : status + " with a malformed error: " + text;
        }
        // Elasticsearch's 404s that are answers, not errors: a missing document, a missing user or role.
        boolean answerNotError = status == 404 && (body.has("found") || body.has("result") || body.isEmpty());
        return answerNotError ? null : status + " without an error: " + text;
    }

    /** The request generator: each class of odd input, over every route. */
    static final class Requests {

        /** @param chunked whether the body is sent in chunks, without a Content-Length */
        record Request(String method, String target, List<String> headers, byte[] body, boolean chunked) {
            boolean isHead() {
                return method.equals("HEAD");
            }

            byte[] head() {
                StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
                headers.forEach(header -> head.append(header).append("\r\n"));
                head.append(chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length).append("\r\n");
                return head.toString().getBytes(StandardCharsets.UTF_8);
            }

            /** The body as sent: in chunks of up to 1,000 bytes when chunked. */
            byte[] wire() {
                if (!chunked) {
                    return body;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (int from = 0; from < body.length; from += 1000) {
                    int length = Math.min(1000, body.length - from);
                    out.writeBytes((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body, from, length);
                    out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return out.toByteArray();
            }

            String describe() {
                String text = new String(body, StandardCharsets.UTF_8);
                String headerText = String.join(" | ", headers);
                return method + " " + abbreviate(target) + " [" + abbreviate(headerText) + "] body(" + body.length
                        + (chunked ? ", chunked" : "") + "): "
                        + abbreviate(text);
            }

            private static String abbreviate(String text) {
                String visible = text.replace("\r", "\\r").replace("\n", "\\n").replace("\u0000", "\\0");
                return visible.length() > 300 ? visible.substring(0, 300) + "…(" + visible.length() + ")" : visible;
            }
        }

        private static final String[] METHODS = {"GET", "GET", "POST", "POST", "PUT", "PUT", "DELETE", "HEAD", "OPTIONS",
                "PATCH", "TRACE", "FOO", "PROPFIND", "get", "M-SEARCH"};
        private static final String[] SEGMENTS = {"it-ops-kpi", "_all", "*", "fuzz-job", ".ml-anomalies-shared",
                "elastic", "superuser", "x", "", "%zz", "%", "%00", "%C3%28", "%F0%9F%92%A9", "%2F", "%2e%2e", "..",
                "é", "日本", "A-UPPER", "a b", "a+b", "a;b", "_", "-lead", "a,b", "%ED%A0%80", "9".repeat(300),
                "\u0001"};
        private static final String[] PARAMS = {"size", "from", "sort", "desc", "start", "end", "exclude_interim",
                "record_score", "anomaly_score", "influencer_score", "expand", "page", "pretty", "human", "error_trace",
                "filter_path", "refresh", "timeout", "if_seq_no", "if_primary_term", "version", "version_type", "op_type",
                "allow_no_match", "exclude_generated", "routing", "format", "no_such_param", "job_id", "%zz", ""};
        private static final String[] VALUES = {"", "-1", "0", "1", "10000", "1e400", "99999999999999999999",
                "-9223372036854775809", "true", "false", "nope", "%zz", "%00", "now-1d", "now/d", "2019-13-45",
                "[]", "{", "%ED%A0%80", "%C3%28", "timestamp", "record_score", "*", "json", "yaml", "cbor", "smile",
                "create", "external", "1.5", "NaN", "Infinity"};
        private static final String[] CONTENT_TYPES = {"application/json", "application/json", "application/json",
                "application/x-ndjson", "application/json; charset=UTF-8", "application/json; charset=latin1",
                "text/plain", "text/html", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded",
                "application/cbor", "application/smile", "application/yaml", "application/octet-stream",
                "application/vnd.elasticsearch+json; compatible-with=8", "application/vnd.elasticsearch+json; compatible-with=7",
                "application/vnd.elasticsearch+json; compatible-with=99", "application/vnd.elasticsearch+x-ndjson; compatible-with=8",
                "", ";;;", "application/json; compatible-with=8", "*/*", "\u00e9/\u00e9"};
        private static final String[] ACCEPTS = {"application/json", "*/*", "text/html", "application/yaml",
                "application/cbor", "application/smile", "application/vnd.elasticsearch+json; compatible-with=8",
                "application/vnd.elasticsearch+json; compatible-with=7", "image/png", ";", "text/plain"};
        private static final String[] FIELDS = {"job_id", "result_type", "record_score", "timestamp", "size", "from",
                "sort", "desc", "start", "end", "page", "analysis_config", "data_description", "detectors", "function",
                "bucket_span", "password", "roles", "cluster", "indices", "names", "privileges", "name", "expiration",
                "role_descriptors", "ids", "query", "exclude_interim", "anomaly_score", "influencer_field_name", "x"};

        private final Random random;
        private final List<String> paths;

        Requests(Random random, List<String> paths) {
            this.random = random;
            this.paths = paths;
        }

        private <T> T pick(T[] values) {
            return values[random.nextInt(values.length)];
        }

        Request next() {
            String method = pick(METHODS);
            String target = target();
            List<String> headers = new ArrayList<>();
            headers.add("Host: 127.0.0.1");
            int auth = random.nextInt(1000);
            if (auth < 900) {
                headers.add("Authorization: " + TestServer.SUPERUSER_AUTHORIZATION);
            } else if (auth < 950) {
                headers.add("Authorization: " + pick(new String[] {"Basic !!!", "ApiKey xyz", "Bearer x", "Basic ",
                        "Basic " + java.util.Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)),
                        "ApiKey " + java.util.Base64.getEncoder().encodeToString("id:key".getBytes(StandardCharsets.UTF_8))}));
            } else if (auth < 953) {
                // A wrong password costs a bcrypt check: few of them.
                headers.add("Authorization: " + TestServer.basic("elastic", "wrong"));
            }
            if (random.nextInt(4) == 0) {
                headers.add("Accept: " + pick(ACCEPTS));
            }
            if (random.nextInt(200) == 0) {
                headers.add("X-Big: " + "h".repeat(20_000));
            }
            if (random.nextInt(50) == 0) {
                headers.add("X-Opaque-Id: " + pick(SEGMENTS));
            }
            byte[] body = random.nextInt(4) == 0 ? new byte[0] : body(target);
            if (body.length > 0 || random.nextInt(10) == 0) {
                String type = pick(CONTENT_TYPES);
                if (!type.isEmpty() || random.nextBoolean()) {
                    headers.add("Content-Type: " + type);
                }
            }
            return new Request(method, target, headers, body, body.length > 0 && random.nextInt(10) == 0);
        }

        private String target() {
            int kind = random.nextInt(100);
            String path;
            if (kind < 85) {
                path = paths.get(random.nextInt(paths.size()));
                StringBuilder filled = new StringBuilder();
                for (String part : path.split("/", -1)) {
                    if (filled.length() > 0 || !part.isEmpty()) {
                        filled.append('/');
                    }
                    filled.append(part.startsWith(":") ? segment() : part);
                }
                path = filled.length() == 0 ? "/" : filled.toString();
            } else if (kind < 90) {
                path = pick(new String[] {"//_bulk", "/_ml//anomaly_detectors", "/./", "/../etc/passwd", "/_ML/anomaly_detectors",
                        "/%2e%2e/", "/_bulk/", "/_cat/indices", "/favicon.ico", "/*", "/?", "/#frag"});
            } else if (kind < 95) {
                path = "/" + segment() + "/" + segment();
            } else {
                path = "/" + "p".repeat(random.nextBoolean() ? 3000 : 17_000);
            }
            if (random.nextInt(3) == 0) {
                StringBuilder query = new StringBuilder("?");
                for (int i = random.nextInt(4); i >= 0; i--) {
                    query.append(pick(PARAMS));
                    if (random.nextInt(5) > 0) {
                        query.append('=').append(pick(VALUES));
                    }
                    query.append('&');
                }
                path += query.substring(0, query.length() - 1);
            }
            return path;
        }

        private String segment() {
            return random.nextInt(3) == 0 ? "it-ops-kpi" : pick(SEGMENTS);
        }

        private byte[] body(String target) {
            return switch (random.nextInt(12)) {
                case 0 -> utf8(pick(new String[] {"{", "{\"a\":}", "]", "nul", "{}x", "{'a':1}", "{\"a\":1,}", "\"str\"",
                        "123", "[1,2", "{\"a\" 1}", "\u00ff\u00fe", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}"}));
                case 1 -> utf8("{\"" + pick(FIELDS) + "\":" + value() + "}");
                case 2 -> object(random.nextInt(6));
                case 3 -> utf8(pick(new String[] {"{\"job_id\":\"\\ud800\"}", "{\"x\":\"\\udc00\\ud800\"}",
                        "{\"job_id\":\"a\\u0000b\"}", "{\"\\u0000\":1}", "{\"size\":\"\u0000\"}",
                        "{\"text\":\"\uD83D\uDCA9\u202e\ufeff\"}"}));
                case 4 -> raw(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                        new byte[] {'{', '"', 'a', '"', ':', '"', 0, '"', '}'}, new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 0},
                        new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
                case 5 -> nested(random.nextBoolean() ? 2000 + random.nextInt(3000) : 50 + random.nextInt(900));
                case 6 -> utf8("{\"" + pick(FIELDS) + "\":" + pick(new String[] {"1e999", "-1e999",
                        "123456789012345678901234567890", "-9223372036854775809", "9223372036854775808", "0.0000000000001e-400",
                        "1" + "0".repeat(2000)}) + "}");
                case 7, 8 -> bulk();
                case 9 -> random.nextInt(5) == 0 ? new byte[(int) MAX_BODY + 1 + random.nextInt(1000)]
                        : utf8("{\"x\":\"" + "y".repeat(random.nextInt(20_000)) + "\"}");
                case 10 -> utf8(target.contains("role") ? "{\"cluster\":[" + value() + "],\"indices\":[{\"names\":" + value()
                        + ",\"privileges\":" + value() + "}]}" : "{\"analysis_config\":{\"bucket_span\":" + value()
                        + ",\"detectors\":[{\"function\":" + value() + "}]},\"data_description\":" + value() + "}");
                default -> new byte[0];
            };
        }

        private byte[] raw(byte[]... choices) {
            return choices[random.nextInt(choices.length)];
        }

        private static byte[] utf8(String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        private String value() {
            return pick(new String[] {"null", "true", "1", "-1", "0.5", "\"\"", "\"x\"", "[]", "{}", "[[]]", "[1,\"a\"]",
                    "{\"a\":{}}", "1e400", "99999999999999999999", "\"15m\"", "\"count\"", "\"it-ops-kpi\"",
                    "\"\\ud800\"", "\"" + "z".repeat(600) + "\"", "\"now-1h\"", "-0", "\"_all\""});
        }

        private byte[] object(int fields) {
            StringBuilder json = new StringBuilder("{");
            for (int i = 0; i < fields; i++) {
                json.append(i > 0 ? "," : "").append('"').append(pick(FIELDS)).append("\":").append(value());
            }
            return utf8(json.append('}').toString());
        }

        private byte[] nested(int depth) {
            boolean arrays = random.nextBoolean();
            String open = arrays ? "[" : "{\"a\":";
            String close = arrays ? "]" : "}";
            return utf8(open.repeat(depth) + (arrays ? "" : "1") + close.repeat(depth));
        }

        private byte[] bulk() {
            ByteArrayOutputStream lines = new ByteArrayOutputStream();
            for (int i = random.nextInt(5); i >= 0; i--) {
                String action = pick(new String[] {"index", "create", "update", "delete", "nope", ""});
                String meta = random.nextInt(6) == 0 ? pick(new String[] {"{", "[]", "{\"index\":[]}", "{\"index\":{},\"x\":{}}",
                        "{\"index\":{\"_index\":" + value() + ",\"_id\":" + value() + "}}", "\"\""})
                        : "{\"" + action + "\":{\"_index\":\"" + pick(new String[] {".ml-anomalies-shared", "x", "", "_all",
                        ".ml-anomalies-.write-it-ops-kpi", "UPPER", "a*b"}) + "\",\"_id\":\"" + pick(SEGMENTS) + "\""
                        + (random.nextInt(5) == 0 ? ",\"if_seq_no\":" + value() + ",\"if_primary_term\":" + value() : "")
                        + "}}";
                byte[] source = random.nextBoolean() ? object(random.nextInt(6))
                        : utf8("{\"job_id\":\"it-ops-kpi\",\"result_type\":\"record\",\"timestamp\":" + value()
                        + ",\"record_score\":" + value() + ",\"bucket_span\":" + value() + "}");
                lines.writeBytes(utf8(meta + "\n"));
                if (!action.equals("delete") || random.nextBoolean()) {
                    lines.writeBytes(source);
                    lines.writeBytes(utf8("\n"));
                }
            }
            if (random.nextInt(8) == 0) {
                lines.writeBytes(utf8("{\"index\":{}}"));
            }
            return lines.toByteArray();
        }
    }
}
