package org.camelgateway.body;

import org.camelgateway.listener.GatewayNettyHttpComponent;
import org.camelgateway.support.Backend;
import org.camelgateway.support.GatewayExtension;
import org.camelgateway.support.PackagedGateway;
import org.camelgateway.support.RawHttp;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Request bodies over {@code gateway.body-buffer-size} wait in a file, not in memory, and still reach the backend
 * byte for byte, with their length, however they were framed.
 */
class RequestBodyIT {

    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    /** A gateway of its own for each test, as the spool's accounting and the limits differ from test to test. */
    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.routes("uploads").backend("backend.url", "uploads")
            .property("gateway.expose-route", "true").property("gateway.body-spool-dir", () -> dir.toString());

    private Backend backend() {
        return gateway.backend("uploads");
    }

    private BodySpool spool() {
        return ((GatewayNettyHttpComponent) gateway.context().getComponent("netty-http")).bodySpool();
    }

    @Test
    void largeUploadReachesTheBackendIntactWithItsLength() throws Exception {
        byte[] body = random(3 * MIB);
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("POST /files HTTP/1.1\r\nHost: gw\r\nContent-Type: application/octet-stream"
                    + "\r\nContent-Length: " + body.length, body);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Gateway-Route")).isEqualTo("uploads");
        }
        assertThat(backend().last().body()).isEqualTo(body);
        assertThat(backend().last().header("Content-Length")).isEqualTo(Integer.toString(body.length));
        assertThat(backend().last().header("Content-Type")).isEqualTo("application/octet-stream");
        awaitSpoolEmpty();
    }

    @Test
    void chunkedUploadIsForwardedWithItsLength() throws Exception {
        byte[] body = random(MIB + 123);
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.sendRaw(("POST /chunked HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            http.sendRaw(chunked(body, 8192));
            RawHttp.Response r = http.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Gateway-Route")).isEqualTo("uploads");
            // the connection stays good for the next request
            assertThat(http.exchange("GET /after HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
        }
        Backend.Received upload = backend().received().get(0);
        assertThat(upload.body()).isEqualTo(body);
        assertThat(upload.header("Content-Length")).isEqualTo(Integer.toString(body.length));
        assertThat(upload.header("Transfer-Encoding")).isNull();
    }

    @Test
    @GatewayExtension.Property(name = "gateway.max-body-size", value = "" + 256 * 1024)
    void chunkedUploadOverTheLimitIs413AndTheConnectionCloses() throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.sendRaw(("POST /too-big HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            http.sendRaw(chunked(random(512 * 1024), 16 * 1024));
            RawHttp.Response r = http.read(false);
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(r.bodyText()).contains("over the limit of 262144 bytes");
            assertThat(http.isClosedByServer()).isTrue();
        }
        assertThat(backend().received()).isEmpty();
        awaitSpoolEmpty();
    }

    /**
     * curl sends {@code Expect: 100-continue} before bodies over 1 MiB. The 100 is not the answer: a body that takes
     * longer than the header timeout to arrive must not be cut off as a slow head (408).
     */
    @ParameterizedTest
    @ValueSource(ints = {1000, 2 * MIB})
    @GatewayExtension.Property(name = "gateway.header-timeout", value = "500")
    void expectContinueGetsA100AndThenTheBackendsAnswerHoweverSlowTheBody(int size) throws Exception {
        byte[] body = random(size);
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.send("PUT /slow HTTP/1.1\r\nHost: gw\r\nExpect: 100-continue\r\nContent-Length: " + size, new byte[0]);
            assertThat(http.readHead().status()).isEqualTo(100);
            int part = size / 4;
            for (int i = 0; i < 4; i++) {
                // a slow client: the whole body takes three times the header timeout
                TimeUnit.MILLISECONDS.sleep(500);
                http.sendRaw(java.util.Arrays.copyOfRange(body, i * part, i == 3 ? size : (i + 1) * part));
            }
            RawHttp.Response r = http.read(false);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Gateway-Route")).isEqualTo("uploads");
        }
        assertThat(backend().last().body()).isEqualTo(body);
        assertThat(backend().last().header("Expect")).isNull();
    }

    @Test
    @GatewayExtension.Property(name = "gateway.body-spool-limit", value = "" + MIB)
    void uploadThatWouldOverfillTheSpoolIs503BeforeItsBodyIsSent() throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            // only the head: the answer must not wait for a body the gateway will not take
            http.send("POST /big HTTP/1.1\r\nHost: gw\r\nContent-Length: " + 2 * MIB, new byte[0]);
            RawHttp.Response r = http.read(false);
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.bodyText()).contains("request body buffer is full");
            assertThat(http.isClosedByServer()).isTrue();
        }
        assertThat(backend().received()).isEmpty();
    }

    @Test
    // room for one 2 MiB upload at a time: each later one needs the space of those before it back
    @GatewayExtension.Property(name = "gateway.body-spool-limit", value = "" + 3 * MIB)
    void theSpoolsSpaceComesBackWhenUploadsComplete() throws Exception {
        for (int i = 0; i < 6; i++) {
            byte[] body = random(2 * MIB);
            try (RawHttp http = new RawHttp(gateway.port())) {
                RawHttp.Response r = i % 2 == 0
                        ? http.exchange("POST /n HTTP/1.1\r\nHost: gw\r\nContent-Length: " + body.length, body)
                        : sendChunked(http, body);
                assertThat(r.status()).as("upload %d", i).isEqualTo(200);
            }
            assertThat(backend().last().body()).isEqualTo(body);
            awaitSpoolEmpty();
        }
    }

    @Test
    void aRouteStepThatReadsTheUploadStillForwardsAllOfIt() throws Exception {
        byte[] body = "0123456789abcdef".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII); // 256 KiB
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("POST /inspected HTTP/1.1\r\nHost: gw\r\nContent-Length: "
                    + body.length, body);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Gateway-Route")).isEqualTo("uploads");
        }
        assertThat(backend().last().header("X-Upload-Length")).isEqualTo(Integer.toString(body.length));
        assertThat(backend().last().body()).isEqualTo(body);
    }

    @Test
    void clientThatLeavesMidUploadLeavesNothingBehind() throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            http.send("POST /abandoned HTTP/1.1\r\nHost: gw\r\nContent-Length: " + 4 * MIB, random(MIB));
            // the gateway has reserved the declared length on disk and waits for the rest of the body
            awaitSpoolAtLeast(4L * MIB);
            assertThat(gateway.metrics()).contains("gateway_body_spool_bytes " + (4.0 * MIB));
        }
        awaitSpoolEmpty();
        assertThat(backend().received()).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files).as("spool files left").isEmpty();
        }
    }

    /**
     * Aggregated in Netty's direct memory, six parallel 8 MiB uploads need 48 MiB of it; spooled, the packaged
     * gateway takes them with 32 MiB, all in flight at once (the backend answers none before it has all six).
     */
    @Test
    void packagedGatewayTakesMoreParallelUploadsThanItsDirectMemoryHolds() throws Exception {
        int uploads = 6;
        CountDownLatch allArrived = new CountDownLatch(uploads);
        Backend backend = backend().answer(received -> {
            allArrived.countDown();
            try {
                allArrived.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Backend.Reply.ok(sha256(received.body()));
        });
        int port = AvailablePortFinder.getNextAvailable();
        ExecutorService clients = Executors.newFixedThreadPool(uploads);
        try (PackagedGateway gw = PackagedGateway.start(dir.resolve("gateway.log"), List.of("-Xmx64m",
                "-XX:MaxDirectMemorySize=32m", "-Dgateway.host=127.0.0.1", "-Dgateway.management.host=127.0.0.1",
                "-Dbackend.url=" + backend.url(), "-Dgateway.body-spool-dir=" + dir.resolve("spool")),
                "--routes", "src/test/resources/routes/uploads", "--port", Integer.toString(port),
                "--management-port", Integer.toString(AvailablePortFinder.getNextAvailable()))) {
            gw.awaitListening(port);
            List<Future<String>> answers = new ArrayList<>();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < uploads; i++) {
                byte[] body = random(8 * MIB, i);
                expected.add(sha256(body));
                answers.add(clients.submit(() -> {
                    try (RawHttp http = new RawHttp(port)) {
                        RawHttp.Response r = http.exchange("POST /upload HTTP/1.1\r\nHost: gw\r\nContent-Length: "
                                + body.length, body);
                        return r.status() + " " + r.bodyText();
                    }
                }));
            }
            for (int i = 0; i < uploads; i++) {
                assertThat(answers.get(i).get(60, TimeUnit.SECONDS)).as("upload %d", i)
                        .isEqualTo("200 " + expected.get(i));
            }
            assertThat(allArrived.getCount()).as("uploads that never reached the backend together").isZero();
            assertThat(gw.log()).doesNotContain("OutOfMemoryError");
        } finally {
            clients.shutdownNow();
        }
    }

    private void awaitSpoolEmpty() {
        // the file goes when the exchange completes, which may be just after the client has its answer
        await("every byte reserved in the spool released").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10)).until(() -> spool().bytesOnDisk(), bytes -> bytes == 0);
    }

    private void awaitSpoolAtLeast(long bytes) {
        await("at least %d bytes reserved in the spool".formatted(bytes)).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(10)).until(() -> spool().bytesOnDisk(), onDisk -> onDisk >= bytes);
    }

    private static RawHttp.Response sendChunked(RawHttp http, byte[] body) throws Exception {
        http.sendRaw("POST /c HTTP/1.1\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        http.sendRaw(chunked(body, 32 * 1024));
        return http.read(false);
    }

    private static byte[] chunked(byte[] body, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < body.length; at += chunk) {
            int n = Math.min(chunk, body.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static byte[] random(int size) {
        return random(size, 7);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
