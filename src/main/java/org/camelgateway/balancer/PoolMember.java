package org.camelgateway.balancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Navigate;
import org.apache.camel.Processor;
import org.apache.camel.processor.SendProcessor;

/**
 * One backend of a pool and what the pool knows about it: its position (in the steps and in the pool's
 * {@link SmoothWeightedRoundRobin}), passive health (consecutive failures, ejection), drain and its circuit breaker.
 * Counters are atomic so JMX can read them at any time.
 */
final class PoolMember {

    final int index;
    final String name;
    final AsyncProcessor processor;
    final CircuitBreaker breaker;

    volatile boolean drained;
    private int consecutiveFailures;
    private volatile long ejectedUntil;

    final AtomicLong requests = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong ejections = new AtomicLong();

    PoolMember(int index, String name, AsyncProcessor processor, CircuitBreaker breaker) {
        this.index = index;
        this.name = name;
        this.processor = processor;
        this.breaker = breaker;
    }

    boolean isEjected(long now) {
        return now - ejectedUntil < 0;
    }

    /** Records a failure; the {@code maxFails}th in a row ejects the member for {@code failTimeout}. */
    synchronized void failed(long now, int maxFails, Duration failTimeout) {
        failures.incrementAndGet();
        if (++consecutiveFailures >= maxFails) {
            consecutiveFailures = 0;
            ejectedUntil = now + failTimeout.toNanos();
            ejections.incrementAndGet();
        }
    }

    synchronized void succeeded() {
        consecutiveFailures = 0;
    }

    void recordBreaker(Outcome outcome, long elapsedNanos, Throwable error) {
        if (outcome.isMemberFailure()) {
            breaker.onError(elapsedNanos, TimeUnit.NANOSECONDS,
                    error != null ? error : new IllegalStateException("backend answered " + outcome));
        } else if (outcome == Outcome.SUCCESS) {
            breaker.onSuccess(elapsedNanos, TimeUnit.NANOSECONDS);
        } else {
            breaker.releasePermission();
        }
    }

    String health(long now) {
        if (drained) {
            return "drained";
        }
        if (isEjected(now)) {
            return "ejected";
        }
        return breaker.getState() == CircuitBreaker.State.OPEN ? "breaker-open" : "up";
    }

    /** The id of the member's {@code to} step, else its endpoint, else its position. */
    static String nameOf(Processor p, int index) {
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
}
