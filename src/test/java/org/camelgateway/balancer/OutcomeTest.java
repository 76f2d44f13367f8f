package org.camelgateway.balancer;

import org.camelgateway.errors.BackendFailure;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class OutcomeTest {

    @Test
    void aFailureBeforeSendingIsRetriedEvenForAPost() {
        for (BackendFailure f : new BackendFailure[] {BackendFailure.CONNECT_ERROR, BackendFailure.CONNECT_TIMEOUT,
                BackendFailure.POOL_TIMEOUT, BackendFailure.NO_BACKEND_AVAILABLE}) {
            assertThat(Outcome.of(f)).as(f.name()).isEqualTo(Outcome.NOT_SENT);
            assertThat(Outcome.of(f).isRetriable(false)).as(f.name()).isTrue();
        }
    }

    @Test
    void aFailureThatMayHaveReachedTheBackendIsRetriedOnlyWhenIdempotent() {
        for (BackendFailure f : new BackendFailure[] {BackendFailure.READ_TIMEOUT, BackendFailure.CONNECTION_FAILED,
                BackendFailure.GATEWAY_ERROR}) {
            assertThat(Outcome.of(f)).as(f.name()).isEqualTo(Outcome.FAILED_AFTER_SEND);
            assertThat(Outcome.of(f).isRetriable(false)).as(f.name()).isFalse();
            assertThat(Outcome.of(f).isRetriable(true)).as(f.name()).isTrue();
        }
    }

    @Test
    void theGatewaysOwnLimitIsNeitherRetriedNorHeldAgainstTheMember() {
        for (BackendFailure f : new BackendFailure[] {BackendFailure.GATEWAY_OVERLOAD, BackendFailure.RATE_LIMITED}) {
            assertThat(Outcome.of(f)).as(f.name()).isEqualTo(Outcome.GATEWAY_OVERLOAD);
            assertThat(Outcome.of(f).isRetriable(true)).isFalse();
            assertThat(Outcome.of(f).isMemberFailure()).isFalse();
        }
    }
}
