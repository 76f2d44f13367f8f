package org.camelgateway.body;

import org.camelgateway.support.ClosingBackend;
import org.camelgateway.support.GatewayUnderTest;
import org.camelgateway.support.PackagedGateway;
import org.camelgateway.support.RawHttp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Response bodies are relayed as they arrive instead of being held whole: the client gets the first bytes while the
 * backend is still sending, framing is kept, a body larger than the gateway's heap passes, a backend that dies
 * mid-body cuts the client off, and a client that leaves releases the backend.
 */
class ResponseStreamingIT {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private HttpServer backend;
    private GatewayUnderTest gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.stop(0);
        }
    }

    @Test
    void relaysALargeBodyIntactWithTheBackendsContentLength() throws Exception {
        startBackend(exchange -> sendGenerated(exchange, 32L * MIB, true));
        startGateway(backendUrl());
        try (Socket s = client()) {
            request(s, "/big");
            Head head = readHead(s.getInputStream());
            assertThat(head.status).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo(Long.toString(32L * MIB));
            assertThat(head.header("Transfer-Encoding")).isNull();
            // the streamed head is built like any other response
            assertThat(head.header("X-Gateway-Route")).isEqualTo("streaming");
            assertThat(head.header("X-Request-Id")).hasSize(32);
            assertThat(sha256(s.getInputStream(), 32L * MIB)).isEqualTo(expectedSha256(32L * MIB));
        }
    }

    @Test
    void packagedGatewayWithA48MiBHeapRelaysA100MiBBody() throws Exception {
        long size = 100L * MIB;
        startBackend(exchange -> sendGenerated(exchange, size, true));
        int port = AvailablePortFinder.getNextAvailable();
        try (PackagedGateway gw = PackagedGateway.start(dir.resolve("gateway.log"), List.of("-Xmx48m",
                "-Dgateway.host=127.0.0.1", "-Dgateway.management.host=127.0.0.1", "-Dbackend.url=" + backendUrl()),
                "--routes", "src/test/resources/routes/streaming", "--port", Integer.toString(port),
                "--management-port", Integer.toString(AvailablePortFinder.getNextAvailable()))) {
            try (Socket s = gw.connect(port)) {
                request(s, "/huge");
                Head head = readHead(s.getInputStream());
                assertThat(head.status).isEqualTo(200);
                assertThat(head.header("Content-Length")).isEqualTo(Long.toString(size));
                assertThat(sha256(s.getInputStream(), size)).isEqualTo(expectedSha256(size));
            }
            assertThat(gw.process().isAlive()).isTrue();
            assertThat(gw.log()).doesNotContain("OutOfMemoryError");
        }
    }

    /**
     * A backend faster than the client makes the gateway stop reading it for a while (at most 256 KiB wait in the
     * gateway). A connection that went back to the pool in that state once never read the next response: the
     * second request on it waited for the response timeout.
     */
    @Test
    void backendConnectionServesTheNextRequestAfterABodyThatOutranTheClient() throws Exception {
        startBackend(exchange -> sendGenerated(exchange, 4L * MIB, true));
        startGateway(backendUrl());
        try (Socket s = client()) {
            s.setSoTimeout(10_000);
            for (int i = 0; i < 10; i++) {
                request(s, "/big/" + i);
                Head head = readHead(s.getInputStream());
                assertThat(head.status).isEqualTo(200);
                assertThat(sha256(s.getInputStream(), 4L * MIB)).isEqualTo(expectedSha256(4L * MIB));
            }
        }
    }

    @Test
    void relaysABodyOfUnknownLengthChunked() throws Exception {
        startBackend(exchange -> sendGenerated(exchange, 5L * MIB, false));
        startGateway(backendUrl());
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("GET /chunked HTTP/1.1\r\nHost: x");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(r.header("Content-Length")).isNull();
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(r.body())))
                    .isEqualTo(expectedSha256(5L * MIB));
            // the connection is still good for the next request
            assertThat(http.exchange("GET /chunked HTTP/1.1\r\nHost: x").body()).hasSize(5 * MIB);
        }
    }

    @Test
    void clientGetsTheFirstBytesWhileTheBackendIsStillSending() throws Exception {
        CountDownLatch clientSawFirst = new CountDownLatch(1);
        startBackend(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("data: first\n\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // the rest only once the client has the first event: a gateway that buffers never gets it
                if (clientSawFirst.await(10, TimeUnit.SECONDS)) {
                    out.write("data: second\n\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        startGateway(backendUrl());
        try (Socket s = client()) {
            s.setSoTimeout(5000);
            request(s, "/events");
            InputStream in = s.getInputStream();
            Head head = readHead(in);
            assertThat(head.status).isEqualTo(200);
            assertThat(head.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(line(in)).isEqualTo(Integer.toHexString("data: first\n\n".length()));
            assertThat(new String(in.readNBytes("data: first\n\n".length()), StandardCharsets.US_ASCII))
                    .isEqualTo("data: first\n\n");
            clientSawFirst.countDown();
            assertThat(line(in)).isEmpty();
            assertThat(line(in)).isEqualTo(Integer.toHexString("data: second\n\n".length()));
        }
    }

    @Test
    void stepThatReadsTheResponseBodyStillLeavesTheWholeBodyForTheClient() throws Exception {
        byte[] text = "0123456789abcdef".repeat(MIB / 16).getBytes(StandardCharsets.US_ASCII);
        startBackend(exchange -> {
            exchange.sendResponseHeaders(200, text.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(text);
            }
        });
        startGateway(backendUrl());
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("GET /inspected HTTP/1.1\r\nHost: x");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Gateway-Route")).isEqualTo("streaming");
            assertThat(r.header("X-Body-Length")).isEqualTo(Integer.toString(MIB));
            assertThat(r.body()).isEqualTo(text);
        }
    }

    @Test
    void backendThatDiesMidBodyCutsTheClientOff() throws Exception {
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Length: 1048576\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] reply = new byte[head.length + 200 * 1024];
        System.arraycopy(head, 0, reply, 0, head.length);
        try (ClosingBackend dying = new ClosingBackend(reply)) {
            startGateway(dying.url());
            try (Socket s = client()) {
                s.setSoTimeout(10_000);
                request(s, "/dies");
                Head h = readHead(s.getInputStream());
                assertThat(h.status).isEqualTo(200);
                assertThat(h.header("Content-Length")).isEqualTo("1048576");
                // the client reads what the backend sent, then the end of the connection: a short body it can tell
                byte[] got = s.getInputStream().readAllBytes();
                assertThat(got.length).isEqualTo(200 * 1024);
            }
            // a backend that dies before the first body byte still gets a clean 502 (nothing was sent yet)
            try (ClosingBackend headOnly = new ClosingBackend(head)) {
                gateway.close();
                startGateway(headOnly.url());
                try (RawHttp http = new RawHttp(gateway.port())) {
                    assertThat(http.exchange("GET /dies HTTP/1.1\r\nHost: x").status()).isEqualTo(502);
                }
            }
        }
    }

    @Test
    void clientThatGoesAwayReleasesTheBackend() throws Exception {
        CountDownLatch backendCutOff = endlessBackend();
        startGateway(backendUrl());
        try (Socket s = client()) {
            request(s, "/endless");
            InputStream in = s.getInputStream();
            assertThat(readHead(in).status).isEqualTo(200);
            assertThat(in.readNBytes(MIB)).hasSize(MIB);
        }
        assertThat(backendCutOff.await(15, TimeUnit.SECONDS)).as("backend connection dropped").isTrue();
    }

    @Test
    void clientThatStopsReadingIsCutOffAfterTheSendTimeout() throws Exception {
        CountDownLatch backendCutOff = endlessBackend();
        gateway = GatewayUnderTest.start("streaming", Map.of("backend.url", backendUrl(), "gateway.send-timeout", "500"));
        try (Socket s = client()) {
            request(s, "/endless");
            assertThat(readHead(s.getInputStream()).status).isEqualTo(200);
            // the client keeps its connection open and reads nothing more; with the default 60 s this waits
            assertThat(backendCutOff.await(15, TimeUnit.SECONDS)).as("backend connection dropped").isTrue();
        }
    }

    @Test
    void backendThatStallsMidBodyCutsTheClientOffAfterTheResponseTimeout() throws Exception {
        CountDownLatch testOver = new CountDownLatch(1);
        CountDownLatch backendCutOff = new CountDownLatch(1);
        startBackend(exchange -> {
            exchange.sendResponseHeaders(200, MIB);
            OutputStream out = exchange.getResponseBody();
            out.write(new byte[200 * 1024]);
            out.flush();
            try {
                // stalls for 20 s at most, far past the gateway's 500 ms
                testOver.await(20, TimeUnit.SECONDS);
                // the first writes after the gateway's close can still land in the socket's buffer
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (System.nanoTime() < deadline) {
                    out.write(new byte[64 * 1024]);
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                backendCutOff.countDown();
            }
        });
        gateway = GatewayUnderTest.start("streaming", Map.of("backend.url", backendUrl(),
                "gateway.response-timeout", "500"));
        try (Socket s = client()) {
            s.setSoTimeout(10_000);
            request(s, "/stalls");
            InputStream in = s.getInputStream();
            Head h = readHead(in);
            assertThat(h.status).isEqualTo(200);
            assertThat(h.header("Content-Length")).isEqualTo(Integer.toString(MIB));
            // what the backend sent, then the end of the connection (a read timeout here means no cut-off)
            assertThat(in.readAllBytes()).hasSize(200 * 1024);
        } finally {
            testOver.countDown();
        }
        assertThat(backendCutOff.await(15, TimeUnit.SECONDS)).as("backend connection dropped").isTrue();
    }

    @Test
    void http10ClientGetsABodyOfUnknownLengthEndedByClosingTheConnection() throws Exception {
        startBackend(exchange -> sendGenerated(exchange, MIB, false));
        startGateway(backendUrl());
        try (Socket s = client()) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /old HTTP/1.0\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            Head head = readHead(in);
            assertThat(head.status).isEqualTo(200);
            assertThat(head.header("Transfer-Encoding")).isNull();
            assertThat(head.header("Connection")).isEqualToIgnoringCase("close");
            byte[] body = in.readAllBytes();
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)))
                    .isEqualTo(expectedSha256(MIB));
        }
    }

    // --- helpers ---

    /** A backend that sends forever (at most 20 s); the latch opens when the gateway drops its connection. */
    private CountDownLatch endlessBackend() throws IOException {
        CountDownLatch cutOff = new CountDownLatch(1);
        startBackend(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] block = new byte[64 * 1024];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            try (OutputStream out = exchange.getResponseBody()) {
                while (System.nanoTime() < deadline) {
                    out.write(block);
                }
            } catch (IOException e) {
                cutOff.countDown();
            }
        });
        return cutOff;
    }

    private void startBackend(HttpHandler handler) throws IOException {
        backend = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        backend.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                handler.handle(exchange);
            }
        });
        backend.setExecutor(Executors.newCachedThreadPool());
        backend.start();
    }

    private String backendUrl() {
        return "http://127.0.0.1:" + backend.getAddress().getPort();
    }

    private void startGateway(String backendUrl) throws Exception {
        gateway = GatewayUnderTest.start("streaming", Map.of("backend.url", backendUrl, "gateway.expose-route", "true"));
    }

    private Socket client() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), gateway.port());
    }

    private static void request(Socket s, String path) throws IOException {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** Byte i of every generated body: a pattern that catches lost, repeated or reordered blocks. */
    static byte generated(long i) {
        return (byte) (i * 31 + (i >>> 11));
    }

    static void sendGenerated(HttpExchange exchange, long length, boolean withLength) throws IOException {
        exchange.sendResponseHeaders(200, withLength ? length : 0);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = exchange.getResponseBody()) {
            for (long pos = 0; pos < length; pos += block.length) {
                int n = (int) Math.min(block.length, length - pos);
                for (int i = 0; i < n; i++) {
                    block[i] = generated(pos + i);
                }
                out.write(block, 0, n);
            }
        }
    }

    static String expectedSha256(long length) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[64 * 1024];
        for (long pos = 0; pos < length; pos += block.length) {
            int n = (int) Math.min(block.length, length - pos);
            for (int i = 0; i < n; i++) {
                block[i] = generated(pos + i);
            }
            d.update(block, 0, n);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    static String sha256(InputStream in, long length) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            assertThat(n).as("body ended %d bytes early", left).isPositive();
            d.update(buf, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(d.digest());
    }

    record Head(int status, List<String[]> headers) {
        String header(String name) {
            return headers.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).findFirst().orElse(null);
        }
    }

    static Head readHead(InputStream in) throws IOException {
        int status = Integer.parseInt(line(in).split(" ")[1]);
        List<String[]> headers = new ArrayList<>();
        for (String l = line(in); !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.add(new String[] {l.substring(0, colon).trim(), l.substring(colon + 1).trim()});
        }
        return new Head(status, headers);
    }

    static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed mid-line: " + b);
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
