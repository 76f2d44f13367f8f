package org.camelgateway.balancer;

/**
 * Caps retries at a share of the requests over a sliding window, as Envoy's retry budgets do, so that when every
 * member fails the pool does not multiply the load on them. A floor of a few retries per second keeps retrying
 * useful when traffic is light.
 */
final class RetryBudget {

    private static final int BUCKETS = 10;
    private static final long BUCKET_NANOS = 1_000_000_000L;

    private final int percent;
    private final int minPerSecond;
    private final long[] requests = new long[BUCKETS];
    private final long[] retries = new long[BUCKETS];
    private long currentSecond = Long.MIN_VALUE;
    private long denied;

    RetryBudget(int percent, int minPerSecond) {
        this.percent = percent;
        this.minPerSecond = minPerSecond;
    }

    synchronized void recordRequest(long nanoTime) {
        requests[bucket(nanoTime)]++;
    }

    /** Takes a retry from the budget if there is one left in the window. */
    synchronized boolean tryRetry(long nanoTime) {
        int b = bucket(nanoTime);
        long totalRequests = 0;
        long totalRetries = 0;
        for (int i = 0; i < BUCKETS; i++) {
            totalRequests += requests[i];
            totalRetries += retries[i];
        }
        long allowed = Math.max((long) minPerSecond * BUCKETS, totalRequests * percent / 100);
        if (totalRetries >= allowed) {
            denied++;
            return false;
        }
        retries[b]++;
        return true;
    }

    synchronized long denied() {
        return denied;
    }

    /** The bucket of {@code nanoTime}, clearing the buckets of the seconds that passed since the last call. */
    private int bucket(long nanoTime) {
        long second = nanoTime / BUCKET_NANOS;
        if (currentSecond == Long.MIN_VALUE || second - currentSecond >= BUCKETS) {
            java.util.Arrays.fill(requests, 0);
            java.util.Arrays.fill(retries, 0);
        } else {
            for (long s = currentSecond + 1; s <= second; s++) {
                int i = (int) Math.floorMod(s, BUCKETS);
                requests[i] = 0;
                retries[i] = 0;
            }
        }
        if (second > currentSecond) {
            currentSecond = second;
        }
        return (int) Math.floorMod(second, BUCKETS);
    }
}
