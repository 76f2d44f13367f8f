package org.camelgateway.balancer;

import java.util.BitSet;

/**
 * nginx's smooth weighted round robin ({@code ngx_http_upstream_get_peer}) over members known by their position:
 * each pick adds every candidate's weight to its running weight, takes the highest and subtracts the candidates'
 * total from it. Over a cycle of sum(weights) picks each member gets exactly its weight, spread out rather than in
 * runs (5:1:1 gives a, a, b, a, c, a, a).
 * <p>
 * Weight 0 makes a standby, picked only when no weighted member can be. When every member is out, the members are
 * tried anyway, ignoring their weights and the caller's admission, rather than failing the request at the gateway.
 * It reads no clock and knows nothing of backends: the caller says which members are drained or out at the moment
 * of the pick, and has the last word on the member chosen.
 */
final class SmoothWeightedRoundRobin {

    /** The caller's view of its members during one pick. */
    interface Members {
        /** Taken out by an operator: never picked. */
        boolean isDrained(int member);

        /** Out for now (passive health): picked only when every member is out. */
        boolean isOut(int member);

        /**
         * Asked once of each member the rotation chooses, except when every member is out; false skips it for this
         * pick. May have effects, as a circuit breaker's permission has.
         */
        boolean admits(int member);
    }

    private enum Tier { WEIGHTED, STANDBY, ANY }

    private final int[] weights;
    /** nginx's current_weight, per member. */
    private final int[] current;

    SmoothWeightedRoundRobin(int... weights) {
        for (int w : weights) {
            if (w < 0) {
                throw new IllegalArgumentException("weights must be 0 or more");
            }
        }
        this.weights = weights.clone();
        this.current = new int[weights.length];
    }

    int size() {
        return weights.length;
    }

    synchronized int weight(int member) {
        return weights[member];
    }

    synchronized int[] weights() {
        return weights.clone();
    }

    /** Changes one weight and starts a new cycle, so the new shares are exact from the next pick on. */
    synchronized void setWeight(int member, int weight) {
        if (weight < 0) {
            throw new IllegalArgumentException("weight must be 0 or more");
        }
        weights[member] = weight;
        java.util.Arrays.fill(current, 0);
    }

    /**
     * The next member for a request that already tried the members in {@code tried}: a weighted member in rotation,
     * else a standby, else (every member out) any member not drained; -1 when none is left. The member returned is
     * added to {@code tried}, so a request gets each member at most once.
     */
    synchronized int next(BitSet tried, Members members) {
        int m = pick(tried, members, Tier.WEIGHTED);
        if (m < 0) {
            m = pick(tried, members, Tier.STANDBY);
        }
        if (m < 0) {
            m = pick(tried, members, Tier.ANY);
        }
        if (m >= 0) {
            tried.set(m);
        }
        return m;
    }

    private int pick(BitSet tried, Members members, Tier tier) {
        BitSet refused = null;
        while (true) {
            int best = -1;
            int total = 0;
            for (int m = 0; m < weights.length; m++) {
                if (tried.get(m) || (refused != null && refused.get(m)) || members.isDrained(m)) {
                    continue;
                }
                int w = switch (tier) {
                    case WEIGHTED -> members.isOut(m) ? 0 : weights[m];
                    case STANDBY -> weights[m] == 0 && !members.isOut(m) ? 1 : 0;
                    case ANY -> Math.max(weights[m], 1);
                };
                if (w == 0) {
                    continue;
                }
                current[m] += w;
                total += w;
                if (best < 0 || current[m] > current[best]) {
                    best = m;
                }
            }
            if (best < 0) {
                return -1;
            }
            current[best] -= total;
            if (tier == Tier.ANY || members.admits(best)) {
                return best;
            }
            if (refused == null) {
                refused = new BitSet(weights.length);
            }
            refused.set(best);
        }
    }
}
