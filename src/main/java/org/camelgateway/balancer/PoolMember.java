package org.camelgateway.balancer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.AsyncProcessor;

/**
 * One backend of a pool and everything the pool knows about it: its weight, its place in the smooth weighted
 * round robin, passive health (consecutive failures, ejection) and its circuit breaker. Selection state is guarded
 * by the pool's lock; counters are atomic so JMX can read them at any time.
 */
final class PoolMember {

    final String name;
    final AsyncProcessor processor;
    final CircuitBreaker breaker;

    volatile int weight;
    volatile boolean drained;
    /** Smooth weighted round robin's running weight (nginx's current_weight). */
    int current;
    private int consecutiveFailures;
    private volatile long ejectedUntil;

    final AtomicLong requests = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong ejections = new AtomicLong();

    PoolMember(String name, AsyncProcessor processor, int weight, CircuitBreaker breaker) {
        this.name = name;
        this.processor = processor;
        this.weight = weight;
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
}
