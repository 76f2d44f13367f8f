package org.camelgateway.balancer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * A pool's state as Prometheus series, tagged by pool and member names only. Micrometer holds the measured objects
 * weakly: each series measures a member, the budget or the retry counter, which the started pool holds.
 */
final class PoolMeters {

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private PoolMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    static PoolMeters register(MeterRegistry registry, StartedPool started) {
        PoolMeters p = new PoolMeters(registry);
        List<Meter> meters = p.meters;
        String pool = started.name();
        for (PoolMember m : started.members()) {
            Tags tags = Tags.of("pool", pool, "member", m.name);
            meters.add(Gauge.builder("gateway.pool.member.up", m,
                    member -> "up".equals(member.health(started.nanoTime().getAsLong())) ? 1 : 0)
                    .description("1 while the member is in rotation (not ejected, drained or breaker-open)")
                    .tags(tags).register(registry));
            meters.add(Gauge.builder("gateway.pool.member.weight", m,
                    member -> started.rotation().weight(member.index)).tags(tags).register(registry));
            meters.add(Gauge.builder("gateway.pool.member.breaker.open", m,
                    member -> member.breaker.getState() == CircuitBreaker.State.OPEN ? 1 : 0)
                    .tags(tags).register(registry));
            meters.add(FunctionCounter.builder("gateway.pool.member.ejections", m, member -> member.ejections.get())
                    .description("Passive-health ejections of the member").tags(tags).register(registry));
            meters.add(FunctionCounter.builder("gateway.pool.member.failures", m, member -> member.failures.get())
                    .tags(tags).register(registry));
        }
        meters.add(FunctionCounter.builder("gateway.pool.retries", started.retries(), AtomicLong::get)
                .description("Requests sent to another member after a failed attempt (failovers)")
                .tags("pool", pool).register(registry));
        meters.add(FunctionCounter.builder("gateway.pool.retries.denied", started.budget(), RetryBudget::denied)
                .description("Retries the retry budget refused").tags("pool", pool).register(registry));
        return p;
    }

    /** A reload builds a new pool under the same name: its series must not stay bound to this one. */
    void remove() {
        meters.forEach(registry::remove);
        meters.clear();
    }
}
