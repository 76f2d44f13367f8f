package org.camelgateway.balancer;

import org.camelgateway.support.Backend;
import org.camelgateway.support.Backend.Reply;
import org.camelgateway.support.ClosingBackend;
import org.camelgateway.support.GatewayUnderTest;
import org.camelgateway.support.RawHttp;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.management.JMX;
import javax.management.ObjectName;

import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** BackendPool against real backends: weights, standby, failover, passive health, breakers, retry safety, JMX. */
class BackendPoolIT {

    Backend a;
    Backend b;
    Backend c;
    Backend primary;
    GatewayUnderTest gateway;
    /** The pools' time: ejections, retry budgets and breakers move only when a test moves it. */
    ManualClock clock;

    @BeforeEach
    void start() throws Exception {
        a = Backend.start("a");
        b = Backend.start("b");
        c = Backend.start("c");
        primary = Backend.start("primary");
        Map<String, String> p = new HashMap<>();
        p.put("a.url", a.url());
        p.put("b.url", b.url());
        p.put("c.url", c.url());
        p.put("primary.url", primary.url());
        p.put("dead.url", "http://127.0.0.1:" + AvailablePortFinder.getNextAvailable());
        p.put("camel.beans.poolClock", "#class:" + ManualClock.class.getName());
        gateway = GatewayUnderTest.start("pools", p);
        clock = gateway.context().getRegistry().lookupByNameAndType("poolClock", ManualClock.class);
    }

    @AfterEach
    void stop() {
        gateway.close();
        List.of(a, b, c, primary).forEach(Backend::close);
    }

    RawHttp.Response send(String method, String path, byte[] body, String... headers) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.exchange(method + " " + path + " HTTP/1.1\r\nHost: gw\r\nContent-Length: " + body.length
                    + (headers.length > 0 ? "\r\n" + String.join("\r\n", headers) : ""), body);
        }
    }

    RawHttp.Response get(String path) throws Exception {
        return send("GET", path, new byte[0]);
    }

    BackendPoolMBean pool(String name) throws Exception {
        return JMX.newMBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                new ObjectName("org.apache.camel:context=gateway,type=pools,name=\"" + name + "\""),
                BackendPoolMBean.class);
    }

    @Test
    void weightedSharesAreExactOverWholeCycles() throws Exception {
        for (int i = 0; i < 400; i++) {
            assertThat(get("/weighted/" + i).status()).isEqualTo(200);
        }
        assertThat(a.received()).hasSize(300);
        assertThat(b.received()).hasSize(100);
    }

    @Test
    void standbyGetsNothingUntilEveryWeightedMemberIsOut() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertThat(get("/standby/" + i).bodyText()).isIn("a", "b");
        }
        assertThat(c.received()).isEmpty();
        a.stop();
        b.stop();
        for (int i = 0; i < 10; i++) {
            RawHttp.Response r = get("/standby/after-" + i);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("c");
        }
    }

    @Test
    void killingAMemberUnderConcurrentLoadFailsNoRequest() throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService clients = Executors.newFixedThreadPool(16);
        AtomicInteger sent = new AtomicInteger();
        List<Future<List<Integer>>> results = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
            results.add(clients.submit(() -> {
                List<Integer> statuses = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    if (sent.incrementAndGet() == 160) {
                        b.stop(); // half-way through the load, with requests in flight
                    }
                    statuses.add(client.send(HttpRequest.newBuilder(URI.create(gateway.url("/weighted/x")))
                            .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding())
                            .statusCode());
                }
                return statuses;
            }));
        }
        for (Future<List<Integer>> f : results) {
            assertThat(f.get(120, TimeUnit.SECONDS)).as("statuses").containsOnly(200);
        }
        clients.shutdown();
        a.reset();
        for (int i = 0; i < 20; i++) {
            assertThat(get("/weighted/after").status()).isEqualTo(200);
        }
        assertThat(a.received()).hasSize(20);
        assertThat(b.received()).hasSizeLessThan(160);
    }

    @Test
    void getAfterA503IsRetriedOnTheNextMember() throws Exception {
        primary.answer(r -> new Reply(503, Map.of(), "down".getBytes()));
        RawHttp.Response r = get("/failover/x");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("b");
        assertThat(primary.received()).hasSize(1);
    }

    @Test
    void postAfterA503IsNotRetried() throws Exception {
        primary.answer(r -> new Reply(503, Map.of(), "down".getBytes()));
        RawHttp.Response r = send("POST", "/failover/order", "{\"id\":1}".getBytes());
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.bodyText()).isEqualTo("down");
        assertThat(primary.received()).hasSize(1);
        assertThat(b.received()).isEmpty();
    }

    @Test
    void postWithAnIdempotencyKeyIsRetriedAfterA503() throws Exception {
        primary.answer(r -> new Reply(503, Map.of(), "down".getBytes()));
        RawHttp.Response r = send("POST", "/failover/order", "{\"id\":1}".getBytes(), "Idempotency-Key: k-1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(b.last().header("Idempotency-Key")).isEqualTo("k-1");
    }

    @Test
    void postAfterARefusedConnectionIsRetriedWithItsBodyIntact() throws Exception {
        primary.stop();
        byte[] body = new byte[256 * 1024];
        new Random(3).nextBytes(body);
        RawHttp.Response r = send("POST", "/failover/upload", body, "Content-Type: application/octet-stream");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("b");
        assertThat(b.last().body()).isEqualTo(body);
    }

    @Test
    void postWhoseConnectionDiesAfterSendingIsNotRetried() throws Exception {
        // the backend read the whole request, then the connection dropped: it may have acted on it
        gateway.close();
        try (ClosingBackend dying = new ClosingBackend(false)) {
            gateway = GatewayUnderTest.start("pools", Map.of("a.url", a.url(), "b.url", b.url(), "c.url", c.url(),
                    "primary.url", dying.url(), "dead.url", "http://127.0.0.1:1"));
            RawHttp.Response r = send("POST", "/failover/pay", "x".getBytes());
            assertThat(r.status()).isEqualTo(502);
            assertThat(dying.requests()).isEqualTo(1);
            assertThat(b.received()).isEmpty();

            RawHttp.Response retried = get("/failover/idempotent");
            assertThat(retried.status()).isEqualTo(200);
            assertThat(retried.bodyText()).isEqualTo("b");
        }
    }

    @Test
    void aMemberIsEjectedAfterMaxFailsAndReturnsAfterTheCoolDown() throws Exception {
        b.answer(r -> new Reply(503, Map.of(), "sick".getBytes()));
        BackendPoolMBean pool = pool("health");
        // two failures in a row eject b; its requests were retried on a, so clients saw none of it
        for (int i = 0; i < 4; i++) {
            assertThat(get("/health/" + i).status()).isEqualTo(200);
        }
        assertThat(b.received()).hasSize(2);
        assertThat(pool.getHealth()).containsExactly("up", "ejected");
        assertThat(pool.getEjections()).containsExactly(0, 1);
        try (RawHttp management = new RawHttp(gateway.managementPort())) {
            String metrics = management.exchange("GET /metrics HTTP/1.1\r\nHost: x").bodyText();
            assertThat(metrics)
                    .contains("gateway_pool_member_ejections_total{member=\"h-b\",pool=\"health\"} 1.0")
                    .contains("gateway_pool_member_up{member=\"h-b\",pool=\"health\"} 0.0")
                    .contains("gateway_pool_member_up{member=\"h-a\",pool=\"health\"} 1.0")
                    .contains("gateway_pool_retries_total{pool=\"health\"} 2.0")
                    .contains("gateway_pool_retries_denied_total{pool=\"health\"} 0.0")
                    .contains("gateway_pool_member_failures_total{member=\"h-b\",pool=\"health\"} 2.0")
                    .contains("gateway_pool_member_weight{member=\"h-b\",pool=\"health\"} 1.0")
                    .contains("gateway_pool_member_breaker_open{member=\"h-b\",pool=\"health\"} 0.0");
        }
        b.reset();
        for (int i = 0; i < 10; i++) {
            assertThat(get("/health/ejected-" + i).bodyText()).isEqualTo("a");
        }
        assertThat(b.received()).isEmpty();

        b.answer(r -> Reply.ok("b"));
        clock.advance(Duration.ofMillis(999));
        assertThat(get("/health/cooling-down").bodyText()).isEqualTo("a");
        assertThat(pool.getHealth()).containsExactly("up", "ejected");
        clock.advance(Duration.ofMillis(1));
        assertThat(pool.getHealth()).as("back after the 1 s failTimeout").containsExactly("up", "up");
        assertThat(List.of(get("/health/back-1").bodyText(), get("/health/back-2").bodyText()))
                .containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void whenEveryMemberIsEjectedTheyAreTriedAnyway() throws Exception {
        a.answer(r -> new Reply(503, Map.of(), "sick".getBytes()));
        b.answer(r -> new Reply(503, Map.of(), "sick".getBytes()));
        for (int i = 0; i < 2; i++) {
            get("/health/" + i);
        }
        assertThat(pool("health").getHealth()).containsExactly("ejected", "ejected");
        // nobody is in rotation, yet requests still go to the members rather than failing at the gateway
        a.answer(r -> Reply.ok("a"));
        b.answer(r -> Reply.ok("b"));
        RawHttp.Response r = get("/health/all-out");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isIn("a", "b");
    }

    @Test
    void aMembersBreakerOpensThenHalfOpensThenCloses() throws Exception {
        a.answer(r -> new Reply(503, Map.of(), "sick".getBytes()));
        BackendPoolMBean pool = pool("breaker");
        for (int i = 0; i < 4; i++) {
            assertThat(get("/breaker/" + i).bodyText()).isEqualTo("b");
        }
        assertThat(pool.getBreakerStates()).containsExactly("OPEN", "CLOSED");
        assertThat(pool.getHealth()).containsExactly("breaker-open", "up");
        a.reset();
        for (int i = 0; i < 5; i++) {
            assertThat(get("/breaker/open-" + i).bodyText()).isEqualTo("b");
        }
        assertThat(a.received()).as("no call reaches a member whose breaker is open").isEmpty();

        a.answer(r -> Reply.ok("a"));
        clock.advance(Duration.ofMillis(1000));
        assertThat(get("/breaker/still-open").bodyText()).isEqualTo("b");
        assertThat(a.received()).isEmpty();
        clock.advance(Duration.ofMillis(1));
        // past the 1 s open time: three trial calls (half-open), all good, close the breaker
        assertThat(get("/breaker/trial-1").bodyText()).isEqualTo("a");
        assertThat(pool.getBreakerStates()).containsExactly("HALF_OPEN", "CLOSED");
        assertThat(get("/breaker/trial-2").bodyText()).isEqualTo("a");
        assertThat(get("/breaker/trial-3").bodyText()).isEqualTo("a");
        assertThat(pool.getBreakerStates()).containsExactly("CLOSED", "CLOSED");
        assertThat(pool.getHealth()).containsExactly("up", "up");
    }

    @Test
    void theJmxWeightOperationChangesTheSplitOnTheNextRequests() throws Exception {
        BackendPoolMBean pool = pool("weighted");
        assertThat(pool.getMembers()).containsExactly("w-a", "w-b");
        pool.setWeight("w-a", 1);
        pool.setWeight("w-b", 1);
        for (int i = 0; i < 40; i++) {
            get("/weighted/" + i);
        }
        assertThat(a.received()).hasSize(20);
        assertThat(b.received()).hasSize(20);

        pool.drain("w-b");
        a.reset();
        b.reset();
        for (int i = 0; i < 10; i++) {
            get("/weighted/" + i);
        }
        assertThat(b.received()).isEmpty();
        pool.restore("w-b");
        assertThat(pool.getWeights()).containsExactly(1, 1);
    }

    @Test
    void theRetryBudgetCapsRetriesWhenEveryMemberFails() throws Exception {
        a.answer(r -> new Reply(503, Map.of(), "down".getBytes()));
        b.answer(r -> new Reply(503, Map.of(), "down".getBytes()));
        for (int i = 0; i < 50; i++) {
            assertThat(get("/budget/" + i).status()).isEqualTo(503);
        }
        // 20% of 50 requests: 10 retries, so 60 backend calls instead of 100
        assertThat(a.received().size() + b.received().size()).isEqualTo(60);
        assertThat(pool("budget").getRetries()).isEqualTo(10);
        assertThat(pool("budget").getRetriesDenied()).isEqualTo(40);
    }

    @Test
    void camelsFailoverBalancerFailsOverOnARefusedConnectionEvenWithoutThrowingOnStatus() throws Exception {
        RawHttp.Response r = send("POST", "/camel-failover/x", "body".getBytes());
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("b");
        assertThat(b.last().body()).isEqualTo("body".getBytes());
    }
}
