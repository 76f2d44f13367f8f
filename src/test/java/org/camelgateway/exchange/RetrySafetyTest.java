package org.camelgateway.exchange;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RetrySafetyTest {

    @ParameterizedTest(name = "{0}: stale resend {1}, retry after sent {2}, with key {3}")
    @CsvSource(nullValues = "null", value = {
        "GET,     true,  true,  true",
        "HEAD,    true,  true,  true",
        "OPTIONS, true,  true,  true",
        "TRACE,   true,  true,  true",
        "PUT,     true,  true,  true",
        "DELETE,  true,  true,  true",
        "POST,    false, false, true",
        "PATCH,   false, false, true",
        "CONNECT, false, false, true",
        "PROPFIND,false, false, true",
        // RFC 9110 9.1: method names are case-sensitive, "get" is not GET
        "get,     false, false, true",
        "null,    false, false, true"})
    void idempotentMethodsMayBeResentAndAnIdempotencyKeyAlsoAllowsARetryAfterSending(String method,
            boolean staleResend, boolean retryAfterSent, boolean retryAfterSentWithKey) {
        assertThat(RetrySafety.mayResendOnFreshConnection(method)).isEqualTo(staleResend);
        assertThat(RetrySafety.mayRetryAfterSent(method, false)).isEqualTo(retryAfterSent);
        assertThat(RetrySafety.mayRetryAfterSent(method, true)).isEqualTo(retryAfterSentWithKey);
    }
}
