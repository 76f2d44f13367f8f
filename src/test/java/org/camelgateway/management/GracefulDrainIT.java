package org.camelgateway.management;

import org.camelgateway.support.Backend;
import org.camelgateway.support.PackagedGateway;
import org.camelgateway.support.PausingBackend;
import org.camelgateway.support.RawHttp;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** SIGTERM to the packaged jar with requests in flight: readiness down at once, every request answered, exit 0. */
class GracefulDrainIT {

    @TempDir
    Path dir;

    @Test
    void sigtermDrainsInFlightRequestsAndExitsZero() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        int management = AvailablePortFinder.getNextAvailable();
        try (Backend slow = Backend.start("slow").delay(Duration.ofMillis(1500))) {
            Process gateway = startGateway(slow.url(), port, management, 1000, 10000);
            try {
                awaitStatus(gateway, management, "/health/ready", 200);
                HttpClient client = HttpClient.newHttpClient();
                List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    inFlight.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/r" + i))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
                }
                await("all five requests inside the backend").atMost(Duration.ofSeconds(10))
                        .pollInterval(Duration.ofMillis(10)).until(() -> slow.received().size(), n -> n == 5);

                gateway.destroy(); // SIGTERM
                awaitStatus(gateway, management, "/health/ready", 503);
                // still served during the grace period
                try (RawHttp http = new RawHttp(port)) {
                    assertThat(http.exchange("GET /during-grace HTTP/1.1\r\nHost: x").status()).isEqualTo(200);
                }
                for (CompletableFuture<HttpResponse<String>> r : inFlight) {
                    assertThat(r.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
                }
                assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
                assertThat(gateway.exitValue()).as("exit status; log:%n%s", Files.readString(dir.resolve("gateway.log")))
                        .isZero();
            } finally {
                gateway.destroyForcibly();
            }
        }
    }

    @Test
    void sigtermLetsAResponseBodyBeingRelayedFinish() throws Exception {
        int port = AvailablePortFinder.getNextAvailable();
        int management = AvailablePortFinder.getNextAvailable();
        int size = 4 * 1024 * 1024;
        int first = 256 * 1024;
        Path log = dir.resolve("gateway.log");
        try (PausingBackend backend = PausingBackend.start(size, first)) {
            Process gateway = startGateway(backend.url(), port, management, 200, 20000);
            try {
                awaitStatus(gateway, management, "/health/ready", 200);
                try (RawHttp http = new RawHttp(port)) {
                    http.send("GET /download HTTP/1.1\r\nHost: x", new byte[0]);
                    assertThat(http.readHead().status()).isEqualTo(200);
                    assertThat(http.readBody(first)).hasSize(first);

                    gateway.destroy(); // SIGTERM
                    await("the drain waits for the relayed body").atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(20)).until(() -> {
                                assertThat(gateway.isAlive()).as("gateway alive; log:%n%s", Files.readString(log))
                                        .isTrue();
                                return Files.readString(log).contains("Waiting for 1 requests in flight");
                            });
                    backend.resume();
                    assertThat(http.readBody(size - first)).as("rest of the body during the drain")
                            .hasSize(size - first);
                    assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
                    assertThat(gateway.exitValue()).as("exit status; log:%n%s", Files.readString(log)).isZero();
                }
            } finally {
                gateway.destroyForcibly();
            }
        }
    }

    /** The packaged jar with one route to {@code backendUrl} and the given drain times, logging to gateway.log. */
    private Process startGateway(String backendUrl, int port, int management, int gracePeriod, int drainTimeout)
            throws IOException {
        Files.writeString(dir.resolve("gateway.yaml"), """
                - route:
                    id: gateway
                    from:
                      uri: "netty-http:http://127.0.0.1:{{gateway.port}}?matchOnUriPrefix=true"
                      steps:
                        - to: "%s"
                """.formatted(backendUrl));
        // the tests send SIGTERM themselves and check how the process ends, so they hold the Process
        return PackagedGateway.start(dir.resolve("gateway.log"),
                List.of("-Dgateway.drain.grace-period=" + gracePeriod, "-Dgateway.drain.timeout=" + drainTimeout),
                "--routes", dir.toString(), "--port", Integer.toString(port),
                "--management-port", Integer.toString(management)).process();
    }

    /** Polls a management path until it answers {@code status}; fails at once if the process dies, or after 30 s. */
    static void awaitStatus(Process gateway, int management, String path, int status) {
        await(path + " answers " + status).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20))
                .ignoreExceptionsInstanceOf(IOException.class) // not listening yet
                .until(() -> {
                    assertThat(gateway.isAlive()).as("gateway alive").isTrue();
                    try (RawHttp http = new RawHttp(management)) {
                        return http.exchange("GET " + path + " HTTP/1.1\r\nHost: x").status() == status;
                    }
                });
    }
}
