package org.camelgateway.balancer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RetryBudgetTest {

    static final long SECOND = 1_000_000_000L;

    @Test
    void allowsRetriesUpToTheShareOfRequestsInTheWindow() {
        RetryBudget budget = new RetryBudget(20, 0);
        for (int i = 0; i < 50; i++) {
            budget.recordRequest(5 * SECOND);
        }
        int allowed = 0;
        for (int i = 0; i < 50; i++) {
            allowed += budget.tryRetry(5 * SECOND) ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(10);
        assertThat(budget.denied()).isEqualTo(40);
    }

    @Test
    void theFloorAllowsRetriesWhenTrafficIsLight() {
        RetryBudget budget = new RetryBudget(20, 3);
        budget.recordRequest(0);
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            allowed += budget.tryRetry(0) ? 1 : 0;
        }
        assertThat(allowed).isEqualTo(30); // 3 per second over the 10 s window
    }

    @Test
    void requestsAndRetriesOlderThanTheWindowNoLongerCount() {
        RetryBudget budget = new RetryBudget(100, 0);
        budget.recordRequest(0);
        assertThat(budget.tryRetry(0)).isTrue();
        assertThat(budget.tryRetry(SECOND)).isFalse();
        budget.recordRequest(11 * SECOND);
        assertThat(budget.tryRetry(11 * SECOND)).isTrue();
    }
}
