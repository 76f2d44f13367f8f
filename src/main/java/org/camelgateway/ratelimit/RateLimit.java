package org.camelgateway.ratelimit;

import org.camelgateway.errors.RateLimitedException;
import org.camelgateway.exchange.GatewayExchange;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * A per-client rate limit, used as a step in any route ({@code - process: {ref: searchLimit}}): each client
 * address gets {@code limit} requests per {@code period} ms; beyond that the request is answered 429 with
 * {@code Retry-After} and never reaches a backend. Local to each gateway instance, like nginx's limit_req.
 * Backed by a resilience4j rate limiter per client; clients idle for a while are forgotten so memory stays bounded.
 */
public class RateLimit implements Processor {

    private static final int MAX_CLIENTS = 100_000;

    private int limit = 100;
    private long period = 1000;
    private final Map<String, Entry> clients = new ConcurrentHashMap<>();
    private volatile RateLimiterConfig config;

    private record Entry(RateLimiter limiter, long[] lastUse) {
    }

    @Override
    public void process(Exchange exchange) {
        String client = exchange.getIn().getHeader(GatewayExchange.CLIENT_IP_HEADER, "unknown", String.class);
        long now = System.nanoTime();
        Entry entry = clients.computeIfAbsent(client, c -> new Entry(RateLimiter.of(c, config()), new long[1]));
        entry.lastUse()[0] = now;
        if (!entry.limiter().acquirePermission()) {
            throw new RateLimitedException(retryAfterSeconds(entry.limiter()));
        }
        if (clients.size() > MAX_CLIENTS) {
            forgetIdle(now);
        }
    }

    /** Whole seconds until the next permit, at least 1 (Retry-After has no fractions). */
    private long retryAfterSeconds(RateLimiter limiter) {
        long nanos = limiter instanceof AtomicRateLimiter atomic
                ? atomic.getDetailedMetrics().getNanosToWait() : Duration.ofMillis(period).toNanos();
        return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
    }

    private RateLimiterConfig config() {
        RateLimiterConfig c = config;
        if (c == null) {
            c = RateLimiterConfig.custom().limitForPeriod(limit).limitRefreshPeriod(Duration.ofMillis(period))
                    .timeoutDuration(Duration.ZERO).build();
            config = c;
        }
        return c;
    }

    private void forgetIdle(long now) {
        long idle = Duration.ofMillis(period).multipliedBy(10).toNanos();
        clients.entrySet().removeIf(e -> now - e.getValue().lastUse()[0] > idle);
    }

    /** Requests per period for each client. Default 100. */
    public void setLimit(int limit) {
        this.limit = limit;
        this.config = null;
    }

    /** The period in ms. Default 1000. */
    public void setPeriod(long period) {
        this.period = period;
        this.config = null;
    }
}
