package org.camelgateway.balancer;

import org.camelgateway.errors.NoBackendAvailableException;
import org.camelgateway.exchange.GatewayExchange;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.processor.SendProcessor;
import org.apache.camel.processor.loadbalancer.LoadBalancerSupport;
import org.apache.camel.support.ExchangeHelper;
import org.apache.hc.core5.http.Method;

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
 * Declared in YAML as a bean, one per {@code loadBalance}, with weights in the order of the steps.
 */
public class BackendPool extends LoadBalancerSupport implements BackendPoolMBean, CamelContextAware {

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

    private volatile List<PoolMember> members = List.of();
    private RetryBudget budget;
    private final AtomicLong retries = new AtomicLong();
    private ObjectName objectName;
    private MeterRegistry meterRegistry;
    private final List<Meter> meters = new ArrayList<>();

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        new Attempts(exchange, callback).next();
        return false;
    }

    /** The attempts of one request, run one after another through Camel's reactive executor. */
    private final class Attempts {
        private final Exchange exchange;
        private final AsyncCallback callback;
        private final boolean idempotent;
        private final Set<PoolMember> tried = new HashSet<>(4);
        private Exchange attempt;
        private PoolMember member;
        private long started;

        Attempts(Exchange exchange, AsyncCallback callback) {
            this.exchange = exchange;
            this.callback = callback;
            this.idempotent = isIdempotent(exchange);
        }

        void next() {
            long now = System.nanoTime();
            PoolMember chosen = choose(tried, now);
            if (chosen == null) {
                if (attempt == null) {
                    exchange.setException(new NoBackendAvailableException(getName()));
                } else {
                    ExchangeHelper.copyResults(exchange, attempt);
                }
                callback.done(false);
                return;
            }
            if (tried.isEmpty()) {
                budget.recordRequest(now);
            }
            tried.add(chosen);
            member = chosen;
            chosen.requests.incrementAndGet();
            // each attempt works on a copy, so a failed one leaves nothing behind on the exchange
            attempt = ExchangeHelper.createCopy(exchange, true);
            started = now;
            chosen.processor.process(attempt, doneSync -> exchange.getContext().getCamelContextExtension()
                    .getReactiveExecutor().schedule(this::completed));
        }

        void completed() {
            long now = System.nanoTime();
            Outcome outcome = Outcome.of(attempt);
            member.recordBreaker(outcome, now - started, attempt.getException());
            if (outcome.isMemberFailure()) {
                member.failed(now, maxFails, Duration.ofMillis(failTimeout));
            } else if (outcome == Outcome.SUCCESS) {
                member.succeeded();
            }
            exchange.setProperty(GatewayExchange.ATTEMPTS, tried.size());
            if (outcome.isRetriable(idempotent) && tried.size() < attemptLimit() && budget.tryRetry(now)) {
                retries.incrementAndGet();
                next();
                return;
            }
            ExchangeHelper.copyResults(exchange, attempt);
            callback.done(false);
        }
    }

    static boolean isIdempotent(Exchange exchange) {
        String method = exchange.getIn().getHeader(Exchange.HTTP_METHOD, String.class);
        return method == null || Method.isIdempotent(method)
                || exchange.getIn().getHeader("Idempotency-Key") != null;
    }

    private int attemptLimit() {
        int all = members.size();
        return maxAttempts > 0 ? Math.min(maxAttempts, all) : all;
    }

    /**
     * The next member for a request that already tried {@code tried}: a weighted member in rotation, else a
     * standby, else (every member out) any member not drained.
     */
    synchronized PoolMember choose(Set<PoolMember> tried, long now) {
        PoolMember m = pick(tried, now, Tier.WEIGHTED);
        if (m == null) {
            m = pick(tried, now, Tier.STANDBY);
        }
        if (m == null) {
            m = pick(tried, now, Tier.ANY);
        }
        return m;
    }

    private enum Tier { WEIGHTED, STANDBY, ANY }

    private PoolMember pick(Set<PoolMember> tried, long now, Tier tier) {
        Set<PoolMember> refused = null;
        while (true) {
            PoolMember best = null;
            int total = 0;
            for (PoolMember m : members) {
                if (m.drained || tried.contains(m) || (refused != null && refused.contains(m))) {
                    continue;
                }
                int w = switch (tier) {
                    case WEIGHTED -> m.isEjected(now) ? 0 : m.weight;
                    case STANDBY -> !m.isEjected(now) && m.weight == 0 ? 1 : 0;
                    case ANY -> Math.max(m.weight, 1);
                };
                if (w == 0) {
                    continue;
                }
                m.current += w;
                total += w;
                if (best == null || m.current > best.current) {
                    best = m;
                }
            }
            if (best == null) {
                return null;
            }
            best.current -= total;
            // an open breaker refuses; a breaker past its open time lets a trial call through (half-open)
            if (tier == Tier.ANY || best.breaker.tryAcquirePermission()) {
                return best;
            }
            if (refused == null) {
                refused = new HashSet<>();
            }
            refused.add(best);
        }
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        AsyncProcessor[] processors = doGetProcessors();
        int[] w = parseWeights(processors.length);
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .failureRateThreshold(breakerFailureRate)
                .minimumNumberOfCalls(breakerMinimumCalls)
                .slidingWindowSize(breakerWindow)
                .waitDurationInOpenState(Duration.ofMillis(breakerOpenMillis))
                .permittedNumberOfCallsInHalfOpenState(Math.max(1, Math.min(3, breakerMinimumCalls)))
                .recordExceptions(Throwable.class)
                .build();
        List<PoolMember> list = new ArrayList<>(processors.length);
        for (int i = 0; i < processors.length; i++) {
            String memberName = memberName(processors[i], i);
            list.add(new PoolMember(memberName, processors[i], w[i],
                    CircuitBreaker.of(getName() + "/" + memberName, config)));
        }
        members = List.copyOf(list);
        budget = new RetryBudget(retryBudgetPercent, retryBudgetMinPerSecond);
        registerMBean();
        registerMeters();
    }

    /** The pool's state as Prometheus series, tagged by pool and member names only. */
    private void registerMeters() {
        MeterRegistry registry = camelContext == null ? null
                : camelContext.getRegistry().findSingleByType(MeterRegistry.class);
        if (registry == null) {
            return;
        }
        meterRegistry = registry;
        String pool = getName();
        for (PoolMember m : members) {
            Tags tags = Tags.of("pool", pool, "member", m.name);
            meters.add(Gauge.builder("gateway.pool.member.up", m, member -> "up".equals(member.health(System.nanoTime())) ? 1 : 0)
                    .description("1 while the member is in rotation (not ejected, drained or breaker-open)")
                    .tags(tags).register(registry));
            meters.add(Gauge.builder("gateway.pool.member.weight", m, member -> member.weight).tags(tags).register(registry));
            meters.add(Gauge.builder("gateway.pool.member.breaker.open", m,
                    member -> member.breaker.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
                    .tags(tags).register(registry));
            meters.add(FunctionCounter.builder("gateway.pool.member.ejections", m, member -> member.ejections.get())
                    .description("Passive-health ejections of the member").tags(tags).register(registry));
            meters.add(FunctionCounter.builder("gateway.pool.member.failures", m, member -> member.failures.get())
                    .tags(tags).register(registry));
        }
        meters.add(FunctionCounter.builder("gateway.pool.retries", retries, AtomicLong::get)
                .description("Requests sent to another member after a failed attempt (failovers)")
                .tags("pool", pool).register(registry));
        meters.add(FunctionCounter.builder("gateway.pool.retries.denied", this, p -> p.getRetriesDenied())
                .description("Retries the retry budget refused").tags("pool", pool).register(registry));
    }

    @Override
    protected void doStop() throws Exception {
        unregisterMBean();
        // a reload builds a new pool under the same name: its series must not stay bound to this one
        if (meterRegistry != null) {
            meters.forEach(meterRegistry::remove);
            meters.clear();
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

    /** The id of the member's {@code to} step, else its endpoint, else its position. */
    static String memberName(Processor p, int index) {
        List<Processor> queue = new ArrayList<>(List.of(p));
        for (int i = 0; i < queue.size() && i < 16; i++) {
            Processor current = queue.get(i);
            if (current instanceof SendProcessor send) {
                return send.getId() != null ? send.getId() : send.getEndpoint().getEndpointUri();
            }
            if (current instanceof Navigate<?> nav && nav.hasNext()) {
                for (Object child : nav.next()) {
                    if (child instanceof Processor cp) {
                        queue.add(cp);
                    }
                }
            }
        }
        return "member-" + (index + 1);
    }

    private void registerMBean() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        String context = camelContext != null ? camelContext.getName() : "camel";
        objectName = new ObjectName("org.apache.camel:context=" + context + ",type=pools,name="
                + ObjectName.quote(getName()));
        if (server.isRegistered(objectName)) {
            server.unregisterMBean(objectName);
        }
        server.registerMBean(new StandardMBean(this, BackendPoolMBean.class), objectName);
    }

    private void unregisterMBean() throws JMException {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (objectName != null && server.isRegistered(objectName)) {
            server.unregisterMBean(objectName);
        }
    }

    private PoolMember member(String memberName) {
        for (PoolMember m : members) {
            if (m.name.equals(memberName)) {
                return m;
            }
        }
        throw new IllegalArgumentException("pool " + getName() + " has no member " + memberName);
    }

    // ---- JMX ----

    @Override
    public String[] getMembers() {
        return members.stream().map(m -> m.name).toArray(String[]::new);
    }

    @Override
    public int[] getWeights() {
        return members.stream().mapToInt(m -> m.weight).toArray();
    }

    @Override
    public String[] getHealth() {
        long now = System.nanoTime();
        return members.stream().map(m -> m.health(now)).toArray(String[]::new);
    }

    @Override
    public String[] getBreakerStates() {
        return members.stream().map(m -> m.breaker.getState().name()).toArray(String[]::new);
    }

    @Override
    public long[] getRequests() {
        return members.stream().mapToLong(m -> m.requests.get()).toArray();
    }

    @Override
    public long[] getFailures() {
        return members.stream().mapToLong(m -> m.failures.get()).toArray();
    }

    @Override
    public long[] getEjections() {
        return members.stream().mapToLong(m -> m.ejections.get()).toArray();
    }

    @Override
    public long getRetries() {
        return retries.get();
    }

    @Override
    public long getRetriesDenied() {
        return budget == null ? 0 : budget.denied();
    }

    @Override
    public synchronized void setWeight(String member, int weight) {
        if (weight < 0) {
            throw new IllegalArgumentException("weight must be 0 or more");
        }
        member(member).weight = weight;
        members.forEach(m -> m.current = 0);
    }

    @Override
    public void drain(String member) {
        member(member).drained = true;
    }

    @Override
    public void restore(String member) {
        member(member).drained = false;
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
