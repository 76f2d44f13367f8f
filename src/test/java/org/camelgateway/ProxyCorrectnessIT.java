package org.camelgateway;

import org.camelgateway.support.Backend;
import org.camelgateway.support.Backend.Reply;
import org.camelgateway.support.GatewayUnderTest;
import org.camelgateway.support.RawHttp;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway proxies as nginx or Envoy would, for routes written in plain Camel YAML with bare
 * {@code to: http://...} URIs: real client sockets, a real backend, byte-level assertions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS) // one gateway per class; the camel-http variant overrides extraProperties
class ProxyCorrectnessIT {

    static Backend backend;
    static GatewayUnderTest gateway;
    static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        backend = Backend.start("backend");
        Map<String, String> properties = new HashMap<>(extraProperties());
        properties.put("backend.url", backend.url());
        properties.put("unreachable.url", "http://127.0.0.1:" + AvailablePortFinder.getNextAvailable());
        properties.put("gateway.max-body-size", Integer.toString(2 * 1024 * 1024));
        gateway = GatewayUnderTest.start("proxy", properties);
    }

    /** Gateway properties of this variant of the suite (see ProxyCorrectnessCamelHttpIT). */
    Map<String, String> extraProperties() {
        return Map.of();
    }

    @AfterAll
    void stop() {
        gateway.close();
        backend.close();
    }

    @BeforeEach
    void resetBackend() {
        backend.reset();
        backend.answer(r -> new Reply(200, Map.of("Content-Type", List.of("application/octet-stream")), r.body()));
        backend.delay(Duration.ZERO);
    }

    RawHttp raw() throws Exception {
        return new RawHttp(gateway.port());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
    void everyMethodReachesTheBackend(String method) throws Exception {
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange(method + " /plain/m HTTP/1.1\r\nHost: gw\r\nContent-Length: 0");
            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(backend.last().method()).isEqualTo(method);
    }

    /**
     * Routes answer asynchronously, so without ordering at the edge the second of two pipelined requests (to a
     * backend that answers at once) overtook the first (to one that takes 300 ms).
     */
    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        backend.answer(r -> {
            if (r.rawTarget().contains("slow")) {
                pause(Duration.ofMillis(300));
            }
            return Reply.ok(r.rawTarget());
        });
        try (RawHttp http = raw()) {
            http.sendRaw(("GET /plain/slow HTTP/1.1\r\nHost: gw\r\n\r\n"
                    + "GET /plain/fast HTTP/1.1\r\nHost: gw\r\n\r\n"
                    + "GET /plain/third HTTP/1.1\r\nHost: gw\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(http.read(false).bodyText()).isEqualTo("/plain/slow");
            assertThat(http.read(false).bodyText()).isEqualTo("/plain/fast");
            assertThat(http.read(false).bodyText()).isEqualTo("/plain/third");
        }
    }

    @Test
    void binaryBodiesArriveByteIdenticalInBothDirections() throws Exception {
        byte[] body = new byte[1024 * 1024 + 17];
        new Random(42).nextBytes(body);
        HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(URI.create(gateway.url("/plain/upload")))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(sha256(backend.last().body())).isEqualTo(sha256(body));
        assertThat(sha256(r.body())).isEqualTo(sha256(body));
        assertThat(backend.last().header("Content-Length")).isEqualTo(Integer.toString(body.length));
        assertThat(backend.last().header("Transfer-Encoding")).isNull();
    }

    @Test
    void chunkedUploadArrivesWholeWithAContentLength() throws Exception {
        try (RawHttp http = raw()) {
            http.sendRaw(("POST /plain/chunked HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Type: text/plain\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Response r = http.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("hello, world");
        }
        assertThat(new String(backend.last().body(), StandardCharsets.UTF_8)).isEqualTo("hello, world");
        assertThat(backend.last().header("Content-Length")).isEqualTo("12");
        assertThat(backend.last().header("Content-Type")).isEqualTo("text/plain");
    }

    /**
     * RFC 9110 gives a body of these methods no meaning, yet APIs use one (Elasticsearch's GET _search, DELETE with
     * the ids to delete) and nginx forwards it: the gateway sent them without it.
     */
    @ParameterizedTest
    @ValueSource(strings = {"DELETE", "GET", "OPTIONS"})
    void bodyOfAMethodWithoutBodySemanticsArrivesByteIdentical(String method) throws Exception {
        byte[] body = new byte[70_000]; // more than one piece and than the size held in one buffer
        new Random(9).nextBytes(body);
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange(method + " /plain/with-body HTTP/1.1\r\nHost: gw\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + body.length, body);
            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(backend.last().method()).isEqualTo(method);
        assertThat(sha256(backend.last().body())).isEqualTo(sha256(body));
        assertThat(backend.last().header("Content-Length")).isEqualTo(Integer.toString(body.length));
        assertThat(backend.last().header("Transfer-Encoding")).isNull();
        assertThat(backend.last().header("Content-Type")).isEqualTo("application/octet-stream");
    }

    @Test
    void chunkedDeleteArrivesWholeWithAContentLength() throws Exception {
        try (RawHttp http = raw()) {
            http.sendRaw(("DELETE /plain/chunked HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4\r\n{\"id\r\n5\r\ns\":[7\r\n2\r\n]}\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertThat(http.read(false).status()).isEqualTo(200);
        }
        assertThat(new String(backend.last().body(), StandardCharsets.UTF_8)).isEqualTo("{\"ids\":[7]}");
        assertThat(backend.last().header("Content-Length")).isEqualTo("11");
        assertThat(backend.last().header("Transfer-Encoding")).isNull();
    }

    /** The other side of sending every client's body: none is made up where the client sent none. */
    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE", "OPTIONS", "HEAD"})
    void requestWithoutABodyGoesOutWithoutBodyFraming(String method) throws Exception {
        try (RawHttp http = raw()) {
            assertThat(http.exchange(method + " /plain/no-body HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
            assertThat(http.exchange(method + " /plain/no-body HTTP/1.1\r\nHost: gw\r\nContent-Length: 0").status())
                    .isEqualTo(200);
        }
        assertThat(backend.received()).hasSize(2).allSatisfy(received -> {
            assertThat(received.header("Content-Length")).isNull();
            assertThat(received.header("Transfer-Encoding")).isNull();
            assertThat(received.body()).isEmpty();
        });
    }

    @Test
    void expectContinueUploadIsAcceptedAndForwarded() throws Exception {
        try (RawHttp http = raw()) {
            http.send("PUT /plain/continue HTTP/1.1\r\nHost: gw\r\nContent-Length: 4\r\nExpect: 100-continue",
                    new byte[0]);
            assertThat(http.read(false).status()).isEqualTo(100);
            http.sendRaw("data".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response r = http.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("data");
        }
        assertThat(backend.last().body()).isEqualTo("data".getBytes(StandardCharsets.US_ASCII));
        assertThat(backend.last().header("Expect")).isNull();
    }

    @Test
    void pathAndRawQueryReachTheBackendByteIdentical() throws Exception {
        // every character RFC 3986 allows unencoded in a path or query, '~' among them
        String target = "/plain/~user/a%2Fb/c%20d+e/%E2%82%AC;p=1:@!$&'()*,-._?x=1&x=2&empty=&plus=a+b"
                + "&enc=%2F%20%26&flag&t=~&q=a?b/c:@";
        try (RawHttp http = raw()) {
            assertThat(http.exchange("GET " + target + " HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
        }
        assertThat(backend.last().rawTarget()).isEqualTo(target);
    }

    @Test
    void queryParametersNeverBecomeHeaders() throws Exception {
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /plain/q?secret=1&other=2 HTTP/1.1\r\nHost: gw");
            assertThat(r.header("secret")).isNull();
            assertThat(r.header("other")).isNull();
        }
        assertThat(backend.last().header("secret")).isNull();
        assertThat(backend.last().header("other")).isNull();
    }

    @ParameterizedTest
    @ValueSource(ints = {200, 201, 202, 204, 301, 304, 400, 401, 404, 409, 500, 502, 503})
    void backendStatusCodesPassThrough(int status) throws Exception {
        backend.answer(r -> new Reply(status, Map.of("Content-Type", List.of("text/plain"), "Location",
                List.of("/elsewhere")), ("status " + status).getBytes()));
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /plain/status HTTP/1.1\r\nHost: gw");
            assertThat(r.status()).isEqualTo(status);
            if (status != 204 && status != 304) {
                assertThat(r.bodyText()).isEqualTo("status " + status);
            } else {
                assertThat(r.header("Content-Length")).isNull();
            }
            assertThat(r.header("Location")).isEqualTo("/elsewhere");
        }
    }

    @Test
    void headKeepsTheBackendsContentLength() throws Exception {
        backend.answer(r -> new Reply(200, Map.of("Content-Length", List.of("1234")), new byte[0]));
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("HEAD /plain/head HTTP/1.1\r\nHost: gw");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo("1234");
            // the connection is still usable: nothing was written after the head
            assertThat(http.exchange("GET /plain/after HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
        }
    }

    @Test
    void responseHeadersArriveIntactWithSeparateSetCookieLines() throws Exception {
        backend.answer(r -> new Reply(200, Map.of(
                "Set-Cookie", List.of("a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT", "b=2; HttpOnly"),
                "Cache-Control", List.of("max-age=60, public"),
                "Pragma", List.of("no-cache"),
                "Via", List.of("1.1 backend"),
                "Warning", List.of("110 - \"stale\""),
                "X-Multi", List.of("one", "two")), "ok".getBytes()));
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /plain/headers HTTP/1.1\r\nHost: gw");
            assertThat(r.headerLines("Set-Cookie"))
                    .containsExactly("a=1; Path=/; Expires=Wed, 21 Oct 2026 07:28:00 GMT", "b=2; HttpOnly");
            assertThat(r.header("Cache-Control")).isEqualTo("max-age=60, public");
            assertThat(r.header("Pragma")).isEqualTo("no-cache");
            assertThat(r.header("Via")).isEqualTo("1.1 backend");
            assertThat(r.header("Warning")).isEqualTo("110 - \"stale\"");
            assertThat(r.header("Date")).isNotNull();
            assertThat(String.join(",", r.headerLines("X-Multi")).replace(" ", "")).isEqualTo("one,two");
        }
    }

    @Test
    void requestHeadersReachTheBackendWithRepeatedLinesJoined() throws Exception {
        try (RawHttp http = raw()) {
            http.exchange("GET /plain/req HTTP/1.1\r\nHost: gw\r\nCache-Control: no-cache\r\nPragma: no-cache\r\n"
                    + "X-Dup: 1\r\nX-Dup: 2\r\nx-dup: 3\r\nAccept: text/html, application/json\r\n"
                    + "Cookie: a=1\r\nCookie: b=2\r\n"
                    + "Date: Tue, 15 Nov 1994 08:12:31 GMT\r\nVia: 1.0 client-proxy");
        }
        Backend.Received got = backend.last();
        assertThat(got.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(got.header("Pragma")).isEqualTo("no-cache");
        assertThat(got.headerLines("X-Dup")).containsExactly("1, 2, 3");
        assertThat(got.header("Accept")).isEqualTo("text/html, application/json");
        assertThat(got.header("Cookie")).isEqualTo("a=1; b=2");
        assertThat(got.header("Date")).isEqualTo("Tue, 15 Nov 1994 08:12:31 GMT");
        assertThat(got.header("Via")).isEqualTo("1.0 client-proxy");
    }

    @Test
    void gzipResponsesPassThroughWithTheirContentEncoding() throws Exception {
        byte[] plain = "compressible ".repeat(500).getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
            gz.write(plain);
        }
        backend.answer(r -> new Reply(200, Map.of("Content-Encoding", List.of("gzip"),
                "Content-Type", List.of("text/plain")), zipped.toByteArray()));
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /plain/gzip HTTP/1.1\r\nHost: gw\r\nAccept-Encoding: gzip");
            assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(r.body()).isEqualTo(zipped.toByteArray());
        }
        assertThat(backend.last().header("Accept-Encoding")).isEqualTo("gzip");
    }

    @Test
    void requestHeadersAreNeverEchoedToTheClient() throws Exception {
        backend.answer(r -> Reply.ok("ok"));
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /plain/echo?qp=1 HTTP/1.1\r\nHost: gw\r\n"
                    + "Authorization: Bearer secret\r\nCookie: session=abc\r\nX-Client-Secret: s3");
            assertThat(r.header("Authorization")).isNull();
            assertThat(r.header("Cookie")).isNull();
            assertThat(r.header("X-Client-Secret")).isNull();
            assertThat(r.header("X-Forwarded-For")).isNull();
            assertThat(r.header("Host")).isNull();
            assertThat(r.header("qp")).isNull();
        }
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /nowhere HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer secret");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("Authorization")).isNull();
        }
    }

    @Test
    void routeThatAnswersItselfSendsItsOwnHeadersAndNoneOfTheRequests() throws Exception {
        for (int count : new int[] {3, 100}) {
            StringBuilder request = new StringBuilder(
                    "GET /answered-here HTTP/1.1\r\nHost: gw\r\nAuthorization: Bearer s");
            for (int i = 0; i < count; i++) {
                request.append("\r\nX-Client-").append(i).append(": v").append(i);
            }
            try (RawHttp http = raw()) {
                RawHttp.Response r = http.exchange(request.toString());
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("here");
                assertThat(r.header("X-Set-By-Route")).isEqualTo("yes");
                assertThat(r.header("Authorization")).isNull();
                assertThat(r.headerNames()).as(count + " request headers")
                        .noneMatch(n -> n.startsWith("X-Client-") || n.startsWith("X-Forwarded"));
            }
        }
    }

    @Test
    void camelHeadersNeitherSteerTheExchangeNorLeaveTheGateway() throws Exception {
        backend.answer(r -> new Reply(200, Map.of("CamelHttpResponseCode", List.of("500"),
                "camelFileName", List.of("x")), "ok".getBytes()));
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /plain/inject HTTP/1.1\r\nHost: gw\r\n"
                    + "cAmElHttpUri: /admin\r\nCamelHttpPath: /admin\r\nCAMELHTTPMETHOD: DELETE\r\n"
                    + "camelhttpquery: admin=1\r\norg.apache.camel.test: 1");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headerNames()).noneMatch(n -> n.toLowerCase().startsWith("camel"));
        }
        Backend.Received got = backend.last();
        assertThat(got.method()).isEqualTo("GET");
        assertThat(got.rawTarget()).isEqualTo("/plain/inject");
        assertThat(got.headers().keySet()).noneMatch(n -> n.toLowerCase().startsWith("camel")
                || n.toLowerCase().startsWith("org.apache.camel"));
    }

    @Test
    void hopByHopHeadersAreRemovedInBothDirections() throws Exception {
        backend.answer(r -> new Reply(200, Map.of("Connection", List.of("X-Backend-Hop"),
                "X-Backend-Hop", List.of("1"), "Keep-Alive", List.of("timeout=5"), "X-End", List.of("e")),
                "ok".getBytes()));
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /plain/hop HTTP/1.1\r\nHost: gw\r\n"
                    + "Connection: keep-alive, X-Client-Hop\r\nX-Client-Hop: 1\r\nKeep-Alive: timeout=5\r\n"
                    + "TE: trailers\r\nProxy-Connection: keep-alive\r\nUpgrade: h2c\r\nTrailer: X-T\r\nX-End: e");
            assertThat(r.header("X-Backend-Hop")).isNull();
            assertThat(r.header("Keep-Alive")).isNull();
            assertThat(r.header("X-End")).isEqualTo("e");
        }
        Backend.Received got = backend.last();
        for (String hop : List.of("X-Client-Hop", "Keep-Alive", "TE", "Proxy-Connection", "Upgrade", "Trailer")) {
            assertThat(got.header(hop)).as(hop).isNull();
        }
        assertThat(got.header("X-End")).isEqualTo("e");
    }

    @Test
    void backendConnectionCloseDoesNotCloseTheClientConnection() throws Exception {
        backend.answer(r -> new Reply(200, Map.of("Connection", List.of("close")), "ok".getBytes()));
        try (RawHttp http = raw()) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = http.exchange("GET /plain/close HTTP/1.1\r\nHost: gw");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Connection")).isNotEqualToIgnoringCase("close");
            }
        }
        assertThat(backend.received()).hasSize(3);
    }

    @Test
    void forwardedHeadersDescribeTheClientsRequest() throws Exception {
        try (RawHttp http = raw()) {
            http.exchange("GET /plain/fwd HTTP/1.1\r\nHost: shop.example.test:8443\r\nX-Forwarded-For: 203.0.113.7");
        }
        Backend.Received got = backend.last();
        assertThat(got.header("X-Forwarded-For")).isEqualTo("203.0.113.7, 127.0.0.1");
        assertThat(got.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(got.header("X-Forwarded-Host")).isEqualTo("shop.example.test:8443");
        assertThat(got.header("X-Forwarded-Port")).isEqualTo(Integer.toString(gateway.port()));
        assertThat(got.header("Host")).isEqualTo("127.0.0.1:" + backend.port());
    }

    @Test
    void hostIsTheClientsWhenTheRouteAsksForIt() throws Exception {
        try (RawHttp http = raw()) {
            http.exchange("GET /keep-host/x HTTP/1.1\r\nHost: shop.example.test");
        }
        assertThat(backend.last().header("Host")).isEqualTo("shop.example.test");
    }

    @Test
    void requestIdIsGeneratedSentToTheBackendAndReturned() throws Exception {
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /plain/id HTTP/1.1\r\nHost: gw");
            String id = r.header("X-Request-Id");
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(backend.last().header("X-Request-Id")).isEqualTo(id);

            RawHttp.Response given = http.exchange("GET /plain/id HTTP/1.1\r\nHost: gw\r\nX-Request-Id: abc-123");
            assertThat(given.header("X-Request-Id")).isEqualTo("abc-123");
            assertThat(backend.last().header("X-Request-Id")).isEqualTo("abc-123");
        }
    }

    @Test
    void explicitBridgeOptionsBehaveLikeTheDefaults() throws Exception {
        backend.answer(r -> new Reply(404, Map.of(), "missing".getBytes()));
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /explicit/a%2Fb?x=1 HTTP/1.1\r\nHost: gw");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.bodyText()).isEqualTo("missing");
        }
        assertThat(backend.last().rawTarget()).isEqualTo("/explicit/a%2Fb?x=1");
    }

    @Test
    void routeThatThrowsOnFailureStillReturnsTheBackendsAnswer() throws Exception {
        backend.answer(r -> new Reply(503, Map.of("Retry-After", List.of("5")), "busy".getBytes()));
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /throwing/x HTTP/1.1\r\nHost: gw");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.bodyText()).isEqualTo("busy");
            assertThat(r.header("Retry-After")).isEqualTo("5");
        }
    }

    @Test
    void requestNoRouteMatchesGets404WithAProblemBody() throws Exception {
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /nowhere HTTP/1.1\r\nHost: gw");
            assertThat(r.status()).isEqualTo(404);
            assertProblem(r, 404);
        }
        assertThat(backend.received()).isEmpty();
    }

    /**
     * A route that copies client input into a header cannot be used to add headers (or a second request) on the
     * backend connection: line breaks in a header value are sent as spaces, as HttpClient sends them.
     */
    @Test
    void lineBreaksAClientSmugglesIntoAHeaderValueDoNotSplitTheBackendRequest() throws Exception {
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange(
                    "GET /from-query/x?a%0d%0aX-Injected:%20yes%0d%0a HTTP/1.1\r\nHost: gw");
            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(backend.received()).hasSize(1);
        assertThat(backend.last().header("X-Injected")).isNull();
        assertThat(backend.last().header("X-From-Query")).isEqualTo("a  X-Injected: yes");
    }

    /** RFC 9110 5.5: a NUL in a value is sent as a space; HttpClient itself only replaces line breaks. */
    @Test
    void nulAClientSmugglesIntoAHeaderValueReachesTheBackendAsASpace() throws Exception {
        try (RawHttp http = raw()) {
            assertThat(http.exchange("GET /from-query/x?a%00b HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
        }
        assertThat(backend.last().header("X-From-Query")).isEqualTo("a b");
    }

    @Test
    void responseHeadersReachTheClientInTheOrderTheBackendSentThem() throws Exception {
        List<String> names = List.of("x-zulu", "x-alpha", "x-mike", "x-bravo", "x-yankee", "x-charlie");
        Map<String, List<String>> headers = new HashMap<>();
        names.forEach(name -> headers.put(name, List.of("v")));
        backend.answer(r -> new Reply(200, headers, "ok".getBytes(StandardCharsets.US_ASCII)));
        List<String> sent;
        try (RawHttp direct = new RawHttp(backend.port())) {
            sent = ours(direct.exchange("GET /order HTTP/1.1\r\nHost: b").headerNames(), names);
        }
        assertThat(sent).as("the backend's own order, not sorted by name").hasSize(names.size())
                .isNotEqualTo(sent.stream().sorted().toList());
        try (RawHttp http = raw()) {
            assertThat(ours(http.exchange("GET /plain/order HTTP/1.1\r\nHost: gw").headerNames(), names))
                    .isEqualTo(sent);
        }
    }

    private static List<String> ours(List<String> headerNames, List<String> names) {
        return headerNames.stream().map(name -> name.toLowerCase(Locale.ROOT)).filter(names::contains).toList();
    }

    @Test
    void refusedBackendGets502() throws Exception {
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /unreachable/x HTTP/1.1\r\nHost: gw");
            assertThat(r.status()).isEqualTo(502);
            assertProblem(r, 502);
            // the client connection survives a backend failure
            assertThat(http.exchange("GET /plain/after HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
        }
    }

    @Test
    void backendSlowerThanTheResponseTimeoutGets504() throws Exception {
        backend.delay(Duration.ofMillis(1500));
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("GET /slow/x HTTP/1.1\r\nHost: gw");
            assertThat(r.status()).isEqualTo(504);
            assertProblem(r, 504);
        }
    }

    @Test
    void backendThatStallsOnAConnectionItAnsweredOnBeforeGets504() throws Exception {
        backend.answer(r -> {
            if (r.rawTarget().contains("stall")) {
                pause(Duration.ofMillis(1500)); // past the route's 500 ms response timeout
            }
            return Reply.ok(r.rawTarget());
        });
        try (RawHttp http = raw()) {
            assertThat(http.exchange("GET /slow/first HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
            // the first call's timeout check is still pending on the backend connection the second call reuses
            RawHttp.Response r = http.exchange("GET /slow/stall HTTP/1.1\r\nHost: gw");
            assertThat(r.status()).isEqualTo(504);
            assertProblem(r, 504);
        }
        List<Integer> ports = backend.received().stream().map(Backend.Received::clientPort).toList();
        assertThat(ports).as("both calls on one pooled backend connection").hasSize(2).containsOnly(ports.get(0));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void bodyOverTheLimitGets413WithoutReadingIt() throws Exception {
        try (RawHttp http = raw()) {
            // declared length over the 2 MiB limit of this test; no body is sent and the answer still comes
            RawHttp.Response r = http.exchange("POST /plain/big HTTP/1.1\r\nHost: gw\r\nContent-Length: 3000000");
            assertThat(r.status()).isEqualTo(413);
            assertProblem(r, 413);
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void chunkedBodyOverTheLimitGets413() throws Exception {
        byte[] chunk = new byte[1024 * 1024];
        try (RawHttp http = raw()) {
            http.send("POST /plain/big HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked", new byte[0]);
            for (int i = 0; i < 3; i++) {
                http.sendRaw((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                http.sendRaw(chunk);
                http.sendRaw("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            http.sendRaw("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Response r = http.read(false);
            assertThat(r.status()).isEqualTo(413);
            assertProblem(r, 413);
        } catch (java.net.SocketException e) {
            throw new AssertionError("the gateway reset the connection instead of answering 413", e);
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void routesThroughDirectSubRoutesProxyTheSame() throws Exception {
        try (RawHttp http = raw()) {
            RawHttp.Response r = http.exchange("POST /service/a?b=c HTTP/1.1\r\nHost: gw\r\nContent-Length: 3", "abc".getBytes());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("abc");
        }
        assertThat(backend.last().rawTarget()).isEqualTo("/service/a?b=c");
        assertThat(backend.last().header("X-Forwarded-For")).isEqualTo("127.0.0.1");
    }

    static void assertProblem(RawHttp.Response r, int status) {
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
        String id = r.header("X-Request-Id");
        assertThat(id).isNotBlank();
        assertThat(r.bodyText()).contains("\"status\":" + status).contains("\"requestId\":\"" + id + "\"");
        assertThat(r.bodyText()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.body().length).isLessThan(300);
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
