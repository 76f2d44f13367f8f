package org.camelgateway.listener;

import org.camelgateway.support.Backend;
import org.camelgateway.support.ClosingBackend;
import org.camelgateway.support.GatewayUnderTest;
import org.camelgateway.support.LeakWatch;
import org.camelgateway.support.RawHttp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.camel.component.netty.http.handlers.HttpServerMultiplexChannelHandler;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A corpus of hostile and malformed requests over raw sockets: each gets its status, a short problem body, and
 * nothing of it reaches a backend where nothing should. Runs with Netty's leak detector at paranoid level.
 */
class EdgeHardeningIT {

    static Backend backend;
    static Backend admin;
    static GatewayUnderTest gateway;
    static LeakWatch leaks;

    @BeforeAll
    static void start() throws Exception {
        leaks = LeakWatch.install();
        backend = Backend.start("backend");
        admin = Backend.start("admin");
        gateway = GatewayUnderTest.start("edge", Map.of("backend.url", backend.url(), "admin.url", admin.url(),
                "gateway.expose-route", "true", "gateway.header-timeout", "500", "gateway.idle-timeout", "1000",
                "gateway.max-body-size", "65536", "gateway.max-header-size", "4096",
                "gateway.max-request-line", "2048"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            // leak reports come on later allocations once the garbage is collected
            List<String> reported = leaks.leaks();
            for (int i = 0; i < 20; i++) {
                exchange("GET /public/after-gc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            }
            assertThat(leaks.leaks()).as("Netty leak reports").isEmpty();
            assertThat(reported).isEmpty();
        } finally {
            gateway.close();
            backend.close();
            admin.close();
        }
    }

    @BeforeEach
    void reset() {
        backend.reset();
        admin.reset();
    }

    /** Sends raw bytes, half-closes, and reads the whole answer; fails on a hang. */
    static String exchange(String raw) throws IOException {
        return exchange(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String exchange(byte[] raw) throws IOException {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(raw);
            s.getOutputStream().flush();
            s.shutdownOutput();
            try {
                return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the gateway neither answered nor closed within 10 s", e);
            } catch (java.net.SocketException e) {
                return ""; // reset: counted as closed
            }
        }
    }

    static int status(String response) {
        return response.startsWith("HTTP/1.") ? Integer.parseInt(response.substring(9, 12)) : -1;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "CL and TE together        | POST /public HTTP/1.1~Host: x~Content-Length: 5~Transfer-Encoding: chunked~~0~~GET /admin HTTP/1.1~Host: x~~ | 400",
        "two Content-Lengths       | POST /public HTTP/1.1~Host: x~Content-Length: 3~Content-Length: 5~~abcde                                  | 400",
        "invalid Content-Length    | POST /public HTTP/1.1~Host: x~Content-Length: 3x~~abc                                                     | 400",
        "coding that is not chunked | POST /public HTTP/1.1~Host: x~Transfer-Encoding: gzip~~abc                                               | 400",
        "unknown coding            | POST /public HTTP/1.1~Host: x~Transfer-Encoding: foo, chunked~~0~~                                        | 501",
        "chunked not last          | POST /public HTTP/1.1~Host: x~Transfer-Encoding: chunked, gzip~~0~~                                       | 400",
        "obfuscated coding         | POST /public HTTP/1.1~Host: x~Transfer-Encoding: xchunked~~0~~                                            | 400",
        "two TE lines              | POST /public HTTP/1.1~Host: x~Transfer-Encoding: chunked~Transfer-Encoding: chunked~~0~~                  | 400",
        "garbage request line      | HELLO THERE~~                                                                                             | 400",
        "header without colon      | GET /public HTTP/1.1~Host: x~NoColonHere~~                                                                | 400",
        "space before colon        | GET /public HTTP/1.1~Host: x~X-Bad : y~~                                                                  | 400",
        "control character         | GET /public HTTP/1.1~Host: x~X-Ctl: a\u0001b~~                                                            | 400",
        "invalid percent-encoding  | GET /public/%zz HTTP/1.1~Host: x~~                                                                        | 400",
        "truncated escape          | GET /public/a% HTTP/1.1~Host: x~~                                                                         | 400",
        "bad query escape          | GET /public?q=%G1 HTTP/1.1~Host: x~~                                                                      | 400",
        "raw non-ASCII in the path | GET /public/caf\u00e9 HTTP/1.1~Host: x~~                                                                  | 400",
        "quote in the path         | GET /public/\"x\" HTTP/1.1~Host: x~~                                                                      | 400",
        "path above the root       | GET /../etc/passwd HTTP/1.1~Host: x~~                                                                     | 400",
        "encoded path above root   | GET /%2e%2e/etc/passwd HTTP/1.1~Host: x~~                                                                 | 400",
        "HTTP/1.1 without Host     | GET /public HTTP/1.1~~                                                                                    | 400",
        "two Host headers          | GET /public HTTP/1.1~Host: a~Host: b~~                                                                    | 400",
        "asterisk target           | OPTIONS * HTTP/1.1~Host: x~~                                                                              | 400",
        "TRACE                     | TRACE /public HTTP/1.1~Host: x~~                                                                          | 405"})
    void refusedRequestsGetTheirStatusAndNeverReachABackend(String name, String request, int expected)
            throws Exception {
        String response = exchange(request.trim().replace("~", "\r\n"));
        assertThat(status(response)).as(name + ": " + response).isEqualTo(expected);
        assertThat(response).as("short body, no stack trace").doesNotContain("Exception").doesNotContain("\tat ");
        if (expected != 405) {
            assertThat(response).contains("application/problem+json").containsIgnoringCase("connection: close");
        }
        assertThat(backend.received()).as("backend").isEmpty();
        assertThat(admin.received()).as("admin backend").isEmpty();
    }

    @Test
    void bareCarriageReturnIsRefused() throws Exception {
        String response = exchange("GET /public HTTP/1.1\r\nHost: x\rX-Smuggle: y\r\n\r\n");
        assertThat(status(response)).isEqualTo(400);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void headersOverTheLimitGet431() throws Exception {
        String response = exchange("GET /public HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(5000) + "\r\n\r\n");
        assertThat(status(response)).isEqualTo(431);
        assertThat(response).contains("application/problem+json");
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void requestLineOverTheLimitGets414() throws Exception {
        String response = exchange("GET /public?q=" + "a".repeat(3000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(status(response)).isEqualTo(414);
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void bodyOverTheLimitGets413AtOnceFromTheDeclaredLength() throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("POST /public HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000");
            assertThat(r.status()).isEqualTo(413);
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void http10WithoutHostIsServed() throws Exception {
        String response = exchange("GET /public/old HTTP/1.0\r\n\r\n");
        assertThat(status(response)).isEqualTo(200);
        assertThat(backend.last().rawTarget()).isEqualTo("/public/old");
    }

    @Test
    void absoluteFormIsAnsweredAsThePathNeverAsAForwardProxy() throws Exception {
        String response = exchange("GET http://evil.example:9999/public/abs?x=1 HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(status(response)).isEqualTo(200);
        assertThat(response).contains("X-Gateway-Route: public");
        assertThat(backend.last().rawTarget()).isEqualTo("/public/abs?x=1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/public/../admin/x          | admin  | /admin/x",
        "/public/%2e%2e/admin/x      | admin  | /admin/x",
        "/public/%2E%2E/admin/x      | admin  | /admin/x",
        "/public/.%2e/admin/x        | admin  | /admin/x",
        "/public/./a/../b            | public | /public/b",
        "//public///a//b             | public | /public/a/b"})
    void pathsAreNormalizedBeforeRoutingAndTheBackendGetsTheNormalizedPath(String path, String route,
            String received) throws Exception {
        String response = exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(status(response)).isEqualTo(200);
        assertThat(response).contains("X-Gateway-Route: " + route);
        Backend target = route.equals("admin") ? admin : backend;
        assertThat(target.last().rawTarget()).isEqualTo(received);
        if (route.equals("admin")) {
            assertThat(backend.received()).as("the /public backend").isEmpty();
        }
    }

    @Test
    void slowClientThatNeverFinishesItsHeadGets408AndIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /public HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(status(response)).isEqualTo(408);
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void slowHeadOnAConnectionThatWasServedBeforeGets408() throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            assertThat(http.exchange("GET /public/1 HTTP/1.1\r\nHost: x").status()).isEqualTo(200);
            // the idle wait (1 s) is longer than the head wait (500 ms): a 408 proves the head wait took over
            http.sendRaw("GET /public/2 HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            assertThat(http.read(false).status()).isEqualTo(408);
            assertThat(http.isClosedByServer()).isTrue();
        }
        assertThat(backend.received()).hasSize(1);
    }

    @Test
    void idleKeepAliveConnectionIsClosed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /public/1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            long start = System.nanoTime();
            in.transferTo(all); // returns when the gateway closes the idle connection
            long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(all.toString(StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            assertThat(idleMs).as("closed after the 1 s idle timeout, not at once").isGreaterThanOrEqualTo(900);
        }
    }

    @Test
    void connectionThatSendsNothingIsClosedWithoutAnAnswerAfterTheHeaderTimeout() throws Exception {
        long headerTimeoutMs = 400;
        try (Backend b = Backend.start("b"); GatewayUnderTest g = GatewayUnderTest.start("edge",
                Map.of("backend.url", b.url(), "admin.url", b.url(),
                        "gateway.header-timeout", Long.toString(headerTimeoutMs), "gateway.idle-timeout", "120000"));
             Socket s = new Socket("127.0.0.1", g.port())) {
            // far below the idle timeout: only the header timeout, counted from accept, can close it in time
            s.setSoTimeout((int) (headerTimeoutMs * 25));
            long start = System.nanoTime();
            int first;
            try {
                first = s.getInputStream().read();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("still open " + headerTimeoutMs * 25 + " ms after accept", e);
            }
            long openMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(first).as("closed without a 408: the client sent no request to answer").isEqualTo(-1);
            assertThat(openMs).as("closed after the header timeout, not at once").isGreaterThanOrEqualTo(headerTimeoutMs - 50);
        }
    }

    @Test
    void onATlsListenerTheHeadTimeout408IsSentEncrypted(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("listener.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "listener", "-keyalg", "EC", "-dname", "CN=127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "changeit",
                "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0)
                .as("keytool: %s", new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isTrue();
        Files.writeString(dir.resolve("gateway.yaml"), """
                - route:
                    id: gateway
                    from:
                      uri: "netty-http:https://127.0.0.1:{{gateway.port}}"
                      parameters:
                        matchOnUriPrefix: true
                        ssl: true
                        keyStoreFormat: PKCS12
                        keyStoreResource: "file:%s"
                        passphrase: changeit
                      steps: [ { to: "{{backend.url}}" } ]
                """.formatted(keyStore));
        SSLContext trustingAll = SSLContext.getInstance("TLS");
        trustingAll.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        // long enough for a handshake on a loaded machine: the head wait counts from accept
        try (GatewayUnderTest tls = GatewayUnderTest.start(dir, Map.of("backend.url", backend.url(),
                "gateway.header-timeout", "3000"));
             SSLSocket s = (SSLSocket) trustingAll.getSocketFactory().createSocket("127.0.0.1", tls.port())) {
            s.setSoTimeout(10_000);
            s.startHandshake();
            s.getOutputStream().write("GET /x HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // plain bytes inside the TLS stream would fail here as an unreadable record
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(status(response)).as(response).isEqualTo(408);
            assertThat(response).contains("application/problem+json");
        }
        assertThat(backend.received()).isEmpty();
    }

    @Test
    void rateLimitAnswers429WithRetryAfterAndKeepsTheBackendOutOfIt() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        String last = "";
        for (int i = 0; i < 5; i++) {
            last = exchange("GET /limited/" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            statuses.add(status(last));
        }
        assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
        assertThat(last).contains("Retry-After: ").contains("application/problem+json");
        assertThat(backend.received()).hasSize(3);
    }

    @Test
    void connectionCapRefusesConnectionsBeyondIt() throws Exception {
        try (Backend b = Backend.start("b"); GatewayUnderTest capped = GatewayUnderTest.start("edge",
                Map.of("backend.url", b.url(), "admin.url", b.url(), "gateway.max-connections", "2"));
             RawHttp one = new RawHttp(capped.port()); RawHttp two = new RawHttp(capped.port())) {
            // two keep-alive connections, each known to be open because it was served
            assertThat(one.exchange("GET /public/1 HTTP/1.1\r\nHost: x").status()).isEqualTo(200);
            assertThat(two.exchange("GET /public/2 HTTP/1.1\r\nHost: x").status()).isEqualTo(200);
            try (Socket three = new Socket("127.0.0.1", capped.port())) {
                three.setSoTimeout(10_000);
                String response = new String(three.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(status(response)).isEqualTo(503);
                assertThat(response).contains("connection limit");
            }
            // the two within the cap are still served
            assertThat(one.exchange("GET /public/3 HTTP/1.1\r\nHost: x").status()).isEqualTo(200);
        }
    }

    @Test
    void clientAddressIsThePeerUnlessThePeerIsATrustedProxy() throws Exception {
        String untrusted = exchange("GET /x HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.9\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(untrusted).contains("X-Gateway-Route: catch-all");

        try (Backend b = Backend.start("b"); GatewayUnderTest trusting = GatewayUnderTest.start("edge",
                Map.of("backend.url", b.url(), "admin.url", b.url(), "gateway.expose-route", "true",
                        "gateway.trusted-proxies", "127.0.0.0/8, 10.0.0.0/8"))) {
            try (RawHttp http = new RawHttp(trusting.port())) {
                // walked from the right past 10.1.2.3 (trusted) to the client; the left-most entry is the client's own claim
                RawHttp.Response r = http.exchange("GET /x HTTP/1.1\r\nHost: x\r\n"
                        + "X-Forwarded-For: 198.51.100.1, 203.0.113.9, 10.1.2.3");
                assertThat(r.header("X-Gateway-Route")).isEqualTo("client-203");
                assertThat(b.last().header("X-Forwarded-For")).isEqualTo("198.51.100.1, 203.0.113.9, 10.1.2.3, 127.0.0.1");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "garbage instead of HTTP        | HELLO WORLD~~",
        "status line without a status   | HTTP/1.1 OK~Content-Length: 0~~",
        "closes in the middle of a body | HTTP/1.1 200 OK~Content-Length: 100~~only part of it",
        "broken chunked encoding        | HTTP/1.1 200 OK~Transfer-Encoding: chunked~~zz~oops~"})
    void brokenBackendGets502AndTheClientConnectionStaysUsable(String name, String reply) throws Exception {
        try (ClosingBackend broken = new ClosingBackend(reply.trim().replace("~", "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
             GatewayUnderTest g = GatewayUnderTest.start("edge", Map.of("backend.url", broken.url(),
                     "admin.url", admin.url()));
             RawHttp http = new RawHttp(g.port())) {
            RawHttp.Response r = http.exchange("POST /public/x HTTP/1.1\r\nHost: x\r\nContent-Length: 2", "hi".getBytes());
            assertThat(r.status()).as(name).isEqualTo(502);
            assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
            // nothing of the broken answer was sent, so the client's connection is still good
            assertThat(http.exchange("GET /admin/after HTTP/1.1\r\nHost: x").status()).isEqualTo(200);
        }
    }

    @Test
    void clientsThatAbortMidBodyOrMidResponseLeaveNothingBehind() throws Exception {
        // every abort is reported once it is handled: as Camel's WARN (the dispatcher's), or as the gateway's DEBUG
        Logger camelDispatcher = (Logger) LoggerFactory.getLogger(HttpServerMultiplexChannelHandler.class);
        Logger gatewayDispatcher = (Logger) LoggerFactory.getLogger(GatewayMultiplexChannelHandler.class);
        Level gatewayLevel = gatewayDispatcher.getLevel();
        ListAppender<ILoggingEvent> reports = new ListAppender<>();
        reports.start();
        camelDispatcher.addAppender(reports);
        gatewayDispatcher.addAppender(reports);
        gatewayDispatcher.setLevel(Level.DEBUG);
        gatewayDispatcher.setAdditive(false);
        try {
            abortMidBodyAndMidResponse(reports);
        } finally {
            camelDispatcher.detachAppender(reports);
            gatewayDispatcher.detachAppender(reports);
            gatewayDispatcher.setLevel(gatewayLevel);
            gatewayDispatcher.setAdditive(true);
        }
        assertThat(camelDispatcher.isWarnEnabled()).as("a WARN would be seen").isTrue();
        assertThat(reports.list).filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .extracting(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                .as("a client's abort is the client's doing: no WARN, no stack trace").isEmpty();
    }

    private void abortMidBodyAndMidResponse(ListAppender<ILoggingEvent> reports) throws Exception {
        for (int i = 0; i < 50; i++) {
            // half a body, then a reset
            try (Socket s = new Socket("127.0.0.1", gateway.port())) {
                s.setSoLinger(true, 0);
                s.getOutputStream().write(("POST /public/abort HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n"
                        + "x".repeat(5000)).getBytes(StandardCharsets.US_ASCII));
            }
        }
        backend.delay(Duration.ofMillis(200));
        try {
            for (int i = 0; i < 20; i++) {
                // gone while the backend is still working on the request
                try (Socket s = new Socket("127.0.0.1", gateway.port())) {
                    s.setSoLinger(true, 0);
                    s.getOutputStream().write("GET /public/gone HTTP/1.1\r\nHost: x\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.received().size() >= 20);
        } finally {
            backend.delay(Duration.ZERO);
        }
        await("each half-body abort reported").atMost(Duration.ofSeconds(10))
                .until(() -> reports.list.size() >= 50);
        // the half bodies never reached the backend; the gateway still serves, and no buffer leaked (see stop())
        assertThat(backend.received()).allMatch(r -> r.rawTarget().equals("/public/gone"));
        try (RawHttp http = new RawHttp(gateway.port())) {
            assertThat(http.exchange("GET /public/after-aborts HTTP/1.1\r\nHost: x").status()).isEqualTo(200);
        }
        assertThat(leaks.leaks()).isEmpty();
    }

    @Test
    void randomlyMutatedRequestsNeverGet5xxNeverHangAndTheGatewayKeepsServing() throws Exception {
        String[] seeds = {
            "GET /public/a?b=c HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n",
            "POST /public/p HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
            "POST /public/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            "GET /admin/%2e%2e/public HTTP/1.1\r\nHost: x\r\nCookie: a=b\r\n\r\n"};
        Random random = new Random(20261126L);
        int served = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] bytes = mutate(seeds[i % seeds.length].getBytes(StandardCharsets.ISO_8859_1), random);
            String response;
            try {
                response = exchange(bytes);
            } catch (AssertionError hang) {
                throw new AssertionError("case " + i + ": " + escape(bytes), hang);
            }
            int status = status(response);
            if (status >= 500) {
                assertThat(status).as("case %d: %s%n-> %s", i, new String(bytes, StandardCharsets.ISO_8859_1), response)
                        .isEqualTo(501);
            }
            served += status == 200 ? 1 : 0;
        }
        assertThat(served).as("some mutations are still valid requests").isPositive();
        try (RawHttp http = new RawHttp(gateway.port())) {
            assertThat(http.exchange("GET /public/after-fuzz HTTP/1.1\r\nHost: x").status()).isEqualTo(200);
        }
    }

    static String escape(byte[] bytes) {
        StringBuilder b = new StringBuilder();
        for (byte x : bytes) {
            int c = x & 0xff;
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return b.toString();
    }

    /** One to three byte-level mutations: flip, insert, delete, duplicate a header line, or truncate. */
    static byte[] mutate(byte[] seed, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = seed.clone();
        int n = 1 + random.nextInt(3);
        for (int m = 0; m < n && b.length > 1; m++) {
            int pos = random.nextInt(b.length);
            switch (random.nextInt(5)) {
                case 0 -> b[pos] = (byte) random.nextInt(256);
                case 1 -> {
                    byte[] c = new byte[b.length + 1];
                    System.arraycopy(b, 0, c, 0, pos);
                    String noise = "\r\n :/%.\t\0x";
                    c[pos] = (byte) noise.charAt(random.nextInt(noise.length()));
                    System.arraycopy(b, pos, c, pos + 1, b.length - pos);
                    b = c;
                }
                case 2 -> {
                    byte[] c = new byte[b.length - 1];
                    System.arraycopy(b, 0, c, 0, pos);
                    System.arraycopy(b, pos + 1, c, pos, b.length - pos - 1);
                    b = c;
                }
                case 3 -> {
                    String s = new String(b, StandardCharsets.ISO_8859_1);
                    int end = s.indexOf("\r\n\r\n");
                    if (end > 0) {
                        b = (s.substring(0, end) + "\r\nContent-Length: " + random.nextInt(20) + s.substring(end))
                                .getBytes(StandardCharsets.ISO_8859_1);
                    }
                }
                default -> b = java.util.Arrays.copyOf(b, Math.max(1, pos));
            }
        }
        out.writeBytes(b);
        return out.toByteArray();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "/public/..%2fadmin/secret",
        "/public/%2e%2e%2fadmin/secret",
        "/public/..%5cadmin/secret",
        "/public/.%2E%5Cadmin/secret",
        "/public/a%2F..%2Fadmin"})
    void refusesADotSegmentNextToAnEncodedSlashOrBackslashAndTheBackendSeesNoRequest(String path)
            throws Exception {
        String response = exchange("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(status(response)).as(response).isEqualTo(400);
        assertThat(response).contains("application/problem+json").contains("encoded slash or backslash");
        assertThat(backend.received()).as("backend").isEmpty();
        assertThat(admin.received()).as("admin backend").isEmpty();
    }

    @Test
    void anEncodedSlashInAnIdReachesTheBackendByteIdentical() throws Exception {
        String response = exchange("GET /api/items/a%2Fb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(status(response)).as(response).isEqualTo(200);
        assertThat(backend.last().rawTarget()).isEqualTo("/api/items/a%2Fb");
    }
}
