package org.camelgateway.backend;

import org.camelgateway.support.Backend;
import org.camelgateway.support.Backend.Reply;
import org.camelgateway.support.GatewayExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrency is not capped by the listener's thread model: Camel 4.18 runs routes on 2 x cores + 1 threads and
 * camel-http blocks one per call, which would let only 5 backend calls be in flight on two cores.
 */
class ConcurrencyIT {

    static final int IN_FLIGHT = 200;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.routes("proxy").backend("backend.url", "plain")
            .unreachableBackend().property("blocking.millis", "3000");

    @Test
    void twoHundredSlowRequestsAreAllInFlightAtOnce() throws Exception {
        assertAllInFlightAtOnce(() -> { });
    }

    /**
     * Waiting for a backend costs no thread: camel-http would hold one of the backend executor's threads per call
     * (named gateway-backend-N; on Java 17, the CI's JDK, they are platform threads and visible here).
     */
    @Test
    void backendCallsWaitWithoutAThreadEach() throws Exception {
        List<Integer> waitingThreads = new ArrayList<>();
        assertAllInFlightAtOnce(() -> waitingThreads.add((int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().matches("gateway-backend-\\d+")).count()));
        assertThat(waitingThreads).containsExactly(0);
    }

    /**
     * Routes run on the event loop; a step that blocks its thread behind Camel's threads step leaves the loop free:
     * a plain request is answered while eight others still sleep in their route (without threads it waits for them).
     */
    @Test
    void blockingStepBehindThreadsLeavesTheEventLoopFree() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> sleeping = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            sleeping.add(client.sendAsync(HttpRequest.newBuilder(URI.create(gateway.url("/blocking/" + i)))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        HttpResponse<String> plain = client.send(HttpRequest.newBuilder(URI.create(gateway.url("/plain/x")))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(sleeping).noneMatch(CompletableFuture::isDone);
        for (CompletableFuture<HttpResponse<String>> r : sleeping) {
            assertThat(r.get(30, TimeUnit.SECONDS).body()).isEqualTo("slept");
        }
    }

    /**
     * Sends IN_FLIGHT requests to a backend that answers only once all of them are inside it, and asserts that
     * every one was answered from there together.
     */
    private static void assertAllInFlightAtOnce(Runnable whileAllWait) throws Exception {
        CountDownLatch allArrived = new CountDownLatch(IN_FLIGHT);
        // answers only once every request is inside the backend at the same time; no timing involved
        Backend backend = gateway.backend("plain").answer(r -> {
            allArrived.countDown();
            if (allArrived.getCount() == 0) {
                whileAllWait.run();
            }
            try {
                return allArrived.await(60, TimeUnit.SECONDS)
                        ? Reply.ok("together") : new Reply(500, Map.of(), "alone".getBytes());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT; i++) {
            responses.add(client.sendAsync(HttpRequest.newBuilder(URI.create(gateway.url("/plain/" + i)))
                    .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> r : responses) {
            HttpResponse<String> response = r.get(120, TimeUnit.SECONDS);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("together");
        }
        assertThat(backend.received()).hasSize(IN_FLIGHT);
    }
}
