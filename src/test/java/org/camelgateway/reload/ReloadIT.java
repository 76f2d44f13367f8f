package org.camelgateway.reload;

import org.camelgateway.support.Backend;
import org.camelgateway.support.GatewayUnderTest;
import org.camelgateway.support.PausingBackend;
import org.camelgateway.support.RawHttp;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.management.JMX;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Route changes apply under load with no failed or refused request; a broken set keeps the old routes. */
class ReloadIT {

    @TempDir
    Path dir;

    static String route(String backendProperty) {
        return """
                - route:
                    id: gateway
                    from:
                      uri: "netty-http:http://127.0.0.1:{{gateway.port}}"
                      parameters: { matchOnUriPrefix: true }
                      steps:
                        - to: { id: backend, uri: "{{%s}}" }
                """.formatted(backendProperty);
    }

    /** Clients on keep-alive connections, each sending requests back to back, recording every outcome. */
    static final class Load implements AutoCloseable {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<String> failures = new CopyOnWriteArrayList<>();
        final AtomicReference<String> lastBody = new AtomicReference<>("");
        final List<Thread> threads = new CopyOnWriteArrayList<>();
        final AtomicInteger requests = new AtomicInteger();

        Load(int port, int clients) {
            for (int i = 0; i < clients; i++) {
                Thread t = new Thread(() -> {
                    RawHttp http = null;
                    while (running.get()) {
                        try {
                            if (http == null) {
                                http = new RawHttp(port);
                            }
                            RawHttp.Response r = http.exchange("GET /x HTTP/1.1\r\nHost: x");
                            requests.incrementAndGet();
                            if (r.status() != 200) {
                                failures.add("status " + r.status() + ": " + r.bodyText());
                            }
                            lastBody.set(r.bodyText());
                        } catch (IOException e) {
                            failures.add(e.toString());
                            http = null;
                        }
                    }
                    try {
                        if (http != null) {
                            http.close();
                        }
                    } catch (IOException ignored) {
                        // closing at the end
                    }
                });
                t.start();
                threads.add(t);
            }
        }

        void awaitBody(String body) {
            await("traffic moved to " + body).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                    .until(lastBody::get, body::equals);
        }

        /** Returns once {@code more} requests beyond those counted so far have been answered. */
        void awaitMoreRequests(int more) {
            int target = requests.get() + more;
            await("%d more requests answered".formatted(more)).atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(20)).until(requests::get, n -> n >= target);
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }

    /** Returns once the gateway's metrics contain {@code sample} (a reload is counted once it has applied or failed). */
    static void awaitMetric(GatewayUnderTest gateway, String sample) {
        await("metric " + sample).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(gateway::metrics, text -> text.contains(sample));
    }

    static void write(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void aValidChangeAppliesUnderLoadWithoutAFailedRequestAndABrokenOneKeepsTheOldRoutes() throws Exception {
        Files.writeString(dir.resolve("gateway.yaml"), route("a.url"));
        try (Backend a = Backend.start("a"); Backend b = Backend.start("b");
             GatewayUnderTest gateway = GatewayUnderTest.start(dir, Map.of("a.url", a.url(), "b.url", b.url(),
                     "gateway.reload.debounce", "200"))) {
            try (Load load = new Load(gateway.port(), 8)) {
                load.awaitBody("a");
                write(dir.resolve("gateway.yaml"), route("b.url"));
                load.awaitBody("b");

                Files.writeString(dir.resolve("broken.yaml"), "- route:\n    id: broken\n    from: [ nope\n");
                awaitMetric(gateway, "gateway_reloads_total{result=\"failure\"} 1.0");
                assertThat(gateway.metrics()).contains("gateway_reloads_total{result=\"success\"} 1.0");
                RoutesReloadMBean status = JMX.newMBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                        new ObjectName("org.apache.camel:context=gateway,type=reload,name=\"routes\""),
                        RoutesReloadMBean.class);
                assertThat(status.getFailures()).isEqualTo(1);
                assertThat(status.getLastError()).contains("broken.yaml:3");
                // still serving after the broken file, on the last good routes
                load.awaitMoreRequests(100);
                assertThat(load.lastBody.get()).isEqualTo("b");
                load.close();
                assertThat(load.failures).as("failed requests during the reloads").isEmpty();
                assertThat(load.requests.get()).isGreaterThan(100);
            }
        }
    }

    @Test
    void aReloadDoesNotCutAResponseBodyBeingRelayed() throws Exception {
        int size = 4 * 1024 * 1024;
        int first = 256 * 1024;
        Files.writeString(dir.resolve("gateway.yaml"), route("a.url"));
        try (PausingBackend slow = PausingBackend.start(size, first);
             GatewayUnderTest gateway = GatewayUnderTest.start(dir, Map.of(
                     "a.url", slow.url(), "gateway.reload.debounce", "200"));
             RawHttp http = new RawHttp(gateway.port())) {
            http.send("GET /download HTTP/1.1\r\nHost: x", new byte[0]);
            assertThat(http.readHead().status()).isEqualTo(200);
            assertThat(http.readBody(first)).hasSize(first);

            write(dir.resolve("gateway.yaml"), route("a.url") + "# changed\n");
            awaitMetric(gateway, "gateway_reloads_total{result=\"success\"} 1.0");
            slow.resume();
            assertThat(http.readBody(size - first)).as("rest of the body after the reload").hasSize(size - first);
        }
    }

    @Test
    void aConfigMapStyleSwapOfTheDataFolderApplies() throws Exception {
        Path v1 = Files.createDirectories(dir.resolve("..2026_11_26_v1"));
        Files.writeString(v1.resolve("gateway.yaml"), route("a.url"));
        Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(dir.resolve("gateway.yaml"), Path.of("..data/gateway.yaml"));
        try (Backend a = Backend.start("a"); Backend b = Backend.start("b");
             GatewayUnderTest gateway = GatewayUnderTest.start(dir, Map.of("a.url", a.url(), "b.url", b.url(),
                     "gateway.reload.debounce", "200"));
             Load load = new Load(gateway.port(), 4)) {
            load.awaitBody("a");
            // what the kubelet does: a new folder, a new link beside ..data, renamed over it in one step
            Path v2 = Files.createDirectories(dir.resolve("..2026_11_26_v2"));
            Files.writeString(v2.resolve("gateway.yaml"), route("b.url"));
            Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
            Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            load.awaitBody("b");
            load.close();
            assertThat(load.failures).isEmpty();
        }
    }
}
