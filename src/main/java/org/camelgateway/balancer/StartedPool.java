package org.camelgateway.balancer;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A pool as it runs between start and stop: its members in step order, their rotation, retry budget and counters,
 * and the time its ejections and budget count in. Requests, JMX and metrics all read this one snapshot, which the
 * pool replaces as a whole when it starts again.
 */
record StartedPool(String name, List<PoolMember> members, SmoothWeightedRoundRobin rotation, RetryBudget budget,
        AtomicLong retries, LongSupplier nanoTime) {

    PoolMember member(String memberName) {
        for (PoolMember m : members) {
            if (m.name.equals(memberName)) {
                return m;
            }
        }
        throw new IllegalArgumentException("pool " + name + " has no member " + memberName);
    }
}
