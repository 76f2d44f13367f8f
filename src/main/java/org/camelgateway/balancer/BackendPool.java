package org.camelgateway.balancer;

import org.camelgateway.errors.NoBackendAvailableException;
import org.camelgateway.exchange.GatewayExchange;
import org.camelgateway.exchange.RetrySafety;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.processor.loadbalancer.LoadBalancerSupport;
import org.apache.camel.support.ExchangeHelper;

/**
 * A backend pool that weights and fails over at once, plugged in as a Camel {@code customLoadBalancer}:
 * <ul>
 * <li>smooth weighted round robin over the members (nginx's algorithm: exact shares over every cycle); weight 0
 * makes a standby that is used only when every weighted member is out;</li>
 * <li>failover to the next member, each member at most once per request, bounded by {@code maxAttempts} and by a
 * retry budget ({@code retryBudgetPercent} of requests over 10 s);</li>
 * <li>only safe retries: a request that never left the gateway is always retried; after a timeout, a reset or a
 * 502/503/504 only an idempotent one (GET, HEAD, OPTIONS, PUT, DELETE, or any request with
 * {@code Idempotency-Key}). A POST that reached a backend is never sent twice;</li>
 * <li>passive health: {@code maxFails} failures in a row eject a member for {@code failTimeout} ms (nginx's
 * max_fails/fail_timeout); a resilience4j circuit breaker per member takes it out while open. When every member
 * is out, they are tried anyway rather than failing every request;</li>
 * <li>an MBean per pool for weights, drain and restore at run time.</li>
 * </ul>
 * Declared in YAML as a bean, one per {@code loadBalance}, with weights in the order of the steps. Ejections, the
 * retry budget and the breakers run on the system clock, or on a {@link Clock} bound in the Camel registry (tests
 * move one by hand instead of waiting out the timeouts).
 */
public class BackendPool extends LoadBalancerSupport implements CamelContextAware {

    private CamelContext camelContext;
    private String name;
    private String weights;
    private int maxFails = 3;
    private long failTimeout = 10_000;
    private int maxAttempts;
    private int retryBudgetPercent = 20;
    private int retryBudgetMinPerSecond = 3;
    private float breakerFailureRate = 50;
    private int breakerMinimumCalls = 10;
    private int breakerWindow = 20;
    private long breakerOpenMillis = 10_000;

    private final AtomicLong retries = new AtomicLong();
    private volatile StartedPool running;
    private PoolJmx jmx;
    private PoolMeters meters;

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        new Attempts(exchange, callback).next();
        return false;
    }

    /**
     * The attempts of one request, run one after another through Camel's reactive executor; also the rotation's view
     * of the members at the moment of each pick.
     */
    private final class Attempts implements SmoothWeightedRoundRobin.Members {
        private final StartedPool pool = running;
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final boolean idempotent;
        private final BitSet tried;
        private Exchange attempt;
        private PoolMember member;
        private long now;
        private long started;

        Attempts(Exchange exchange, AsyncCallback callback) {
            this.exchange = exchange;
            this.callback = callback;
            this.idempotent = isIdempotent(exchange);
            this.tried = new BitSet(pool.members().size());
        }

        void next() {
            now = pool.nanoTime().getAsLong();
            int index = pool.rotation().next(tried, this);
            if (index < 0) {
                if (attempt == null) {
                    exchange.setException(new NoBackendAvailableException(getName()));
                } else {
                    ExchangeHelper.copyResults(exchange, attempt);
                }
                callback.done(false);
                return;
            }
            member = pool.members().get(index);
            if (attempt == null) {
                pool.budget().recordRequest(now);
            }
            member.requests.incrementAndGet();
            // each attempt works on a copy, so a failed one leaves nothing behind on the exchange
            attempt = ExchangeHelper.createCopy(exchange, true);
            started = now;
            member.processor.process(attempt, doneSync -> exchange.getContext().getCamelContextExtension()
                    .getReactiveExecutor().schedule(this::completed));
        }

        void completed() {
            long now = pool.nanoTime().getAsLong();
            Outcome outcome = Outcome.of(attempt);
            member.recordBreaker(outcome, now - started, attempt.getException());
            if (outcome.isMemberFailure()) {
                member.failed(now, maxFails, Duration.ofMillis(failTimeout));
            } else if (outcome == Outcome.SUCCESS) {
                member.succeeded();
            }
            int attempts = tried.cardinality();
            exchange.setProperty(GatewayExchange.ATTEMPTS, attempts);
            if (outcome.isRetriable(idempotent) && attempts < attemptLimit(pool) && pool.budget().tryRetry(now)) {
                retries.incrementAndGet();
                next();
                return;
            }
            ExchangeHelper.copyResults(exchange, attempt);
            callback.done(false);
        }

        @Override
        public boolean isDrained(int m) {
            return pool.members().get(m).drained;
        }

        @Override
        public boolean isOut(int m) {
            return pool.members().get(m).isEjected(now);
        }

        @Override
        public boolean admits(int m) {
            // an open breaker refuses; a breaker past its open time lets a trial call through (half-open)
            return pool.members().get(m).breaker.tryAcquirePermission();
        }
    }

    static boolean isIdempotent(Exchange exchange) {
        String method = exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class);
        return RetrySafety.mayRetryAfterSent(method, exchange.getIn().getHeader(RetrySafety.IDEMPOTENCY_KEY) != null);
    }

    private int attemptLimit(StartedPool pool) {
        int all = pool.members().size();
        return maxAttempts > 0 ? Math.min(maxAttempts, all) : all;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        AsyncProcessor[] processors = doGetProcessors();
        int[] w = parseWeights(processors.length);
        Clock bound = camelContext == null ? null : camelContext.getRegistry().findSingleByType(Clock.class);
        // System.nanoTime keeps ejections steady across wall-clock steps; a bound clock is a test's, read as it is
        LongSupplier nanoTime = bound == null ? System::nanoTime : () -> nanos(bound.instant());
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(breakerFailureRate)
                .minimumNumberOfCalls(breakerMinimumCalls)
                .slidingWindowSize(breakerWindow)
                .waitDurationInOpenState(Duration.ofMillis(breakerOpenMillis))
                .permittedNumberOfCallsInHalfOpenState(Math.max(1, Math.min(3, breakerMinimumCalls)))
                .recordExceptions(Throwable.class)
                .clock(bound == null ? Clock.systemUTC() : bound)
                .build();
        List<PoolMember> list = new ArrayList<>(processors.length);
        for (int i = 0; i < processors.length; i++) {
            String memberName = PoolMember.nameOf(processors[i], i);
            list.add(new PoolMember(i, memberName, processors[i],
                    CircuitBreaker.of(getName() + "/" + memberName, config)));
        }
        StartedPool started = new StartedPool(getName(), List.copyOf(list), new SmoothWeightedRoundRobin(w),
                new RetryBudget(retryBudgetPercent, retryBudgetMinPerSecond), retries, nanoTime);
        running = started;
        jmx = PoolJmx.register(started, camelContext != null ? camelContext.getName() : "camel");
        MeterRegistry registry = camelContext == null ? null
                : camelContext.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry != null) {
            meters = PoolMeters.register(registry, started);
        }
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    @Override
    protected void doStop() throws Exception {
        if (jmx != null) {
            jmx.unregister();
        }
        if (meters != null) {
            meters.remove();
        }
        super.doStop();
    }

    private int[] parseWeights(int count) {
        int[] w = new int[count];
        if (weights == null || weights.isBlank()) {
            java.util.Arrays.fill(w, 1);
            return w;
        }
        String[] parts = weights.split(",");
        if (parts.length != count) {
            throw new IllegalArgumentException("pool " + getName() + " has " + count + " members but " + parts.length
                    + " weights: " + weights);
        }
        for (int i = 0; i < count; i++) {
            w[i] = Integer.parseInt(parts[i].trim());
            if (w[i] < 0) {
                throw new IllegalArgumentException("pool " + getName() + ": weights must be 0 or more: " + weights);
            }
        }
        return w;
    }

    // ---- configuration, set from YAML bean properties ----

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    public String getName() {
        return name != null ? name : getId() != null ? getId() : "pool";
    }

    /** Name in JMX and metrics. */
    public void setName(String name) {
        this.name = name;
    }

    /** Comma-separated, one per step in order; 0 = standby. Default: all 1. */
    public void setWeights(String weights) {
        this.weights = weights;
    }

    /** Failures in a row that eject a member (nginx max_fails). Default 3. */
    public void setMaxFails(int maxFails) {
        this.maxFails = maxFails;
    }

    /** How long an ejected member stays out, in ms (nginx fail_timeout). Default 10000. */
    public void setFailTimeout(long failTimeout) {
        this.failTimeout = failTimeout;
    }

    /** Members tried per request at most; 0 (default) = every member once. */
    public void setMaxAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /** Retries allowed as a percentage of requests over the last 10 s. Default 20. */
    public void setRetryBudgetPercent(int retryBudgetPercent) {
        this.retryBudgetPercent = retryBudgetPercent;
    }

    /** Retries per second always allowed, however few the requests. Default 3. */
    public void setRetryBudgetMinPerSecond(int retryBudgetMinPerSecond) {
        this.retryBudgetMinPerSecond = retryBudgetMinPerSecond;
    }

    /** Failure percentage that opens a member's breaker. Default 50. */
    public void setBreakerFailureRate(float breakerFailureRate) {
        this.breakerFailureRate = breakerFailureRate;
    }

    /** Calls before the breaker judges a member. Default 10. */
    public void setBreakerMinimumCalls(int breakerMinimumCalls) {
        this.breakerMinimumCalls = breakerMinimumCalls;
    }

    /** Calls in the breaker's sliding window. Default 20. */
    public void setBreakerWindow(int breakerWindow) {
        this.breakerWindow = breakerWindow;
    }

    /** How long an open breaker keeps a member out before a trial call, in ms. Default 10000. */
    public void setBreakerOpenMillis(long breakerOpenMillis) {
        this.breakerOpenMillis = breakerOpenMillis;
    }
}
