package org.camelgateway.errors;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Stream;

import org.apache.camel.CamelExchangeException;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.camelgateway.errors.BackendFailure.*;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class BackendFailureTest {

    private static final boolean NOT_SENT = false;
    private static final boolean MAYBE_SENT = true;

    /** exception, kind, client status, may the request have reached the backend. */
    static Stream<Arguments> failures() {
        return Stream.of(
                arguments(new HttpOperationFailedException("http://b/", 503, "Unavailable", null, Map.of(), ""),
                        BACKEND_STATUS, 0, MAYBE_SENT),
                arguments(new RateLimitedException(3), RATE_LIMITED, 429, NOT_SENT),
                arguments(new NoBackendAvailableException("p"), NO_BACKEND_AVAILABLE, 503, NOT_SENT),
                arguments(new RejectedExecutionException(), GATEWAY_OVERLOAD, 503, NOT_SENT),
                arguments(new ConnectionRequestTimeoutException("lease"), POOL_TIMEOUT, 503, NOT_SENT),
                arguments(new ConnectTimeoutException("connect"), CONNECT_TIMEOUT, 504, NOT_SENT),
                arguments(new io.netty.channel.ConnectTimeoutException("connect"), CONNECT_TIMEOUT, 504, NOT_SENT),
                arguments(new SocketTimeoutException("read"), READ_TIMEOUT, 504, MAYBE_SENT),
                arguments(new ConnectException("refused"), CONNECT_ERROR, 502, NOT_SENT),
                arguments(new NoRouteToHostException(), CONNECT_ERROR, 502, NOT_SENT),
                arguments(new UnknownHostException("backend.invalid"), CONNECT_ERROR, 502, NOT_SENT),
                arguments(new SocketException("Connection reset"), CONNECTION_FAILED, 502, MAYBE_SENT),
                arguments(new NoHttpResponseException("closed"), CONNECTION_FAILED, 502, MAYBE_SENT),
                arguments(new ProtocolException("bad status line"), CONNECTION_FAILED, 502, MAYBE_SENT),
                arguments(new IllegalStateException("a bug"), GATEWAY_ERROR, 500, MAYBE_SENT),
                // wrapped as Camel and HttpClient wrap them
                arguments(new CamelExchangeException("failed", null, new ConnectException("refused")),
                        CONNECT_ERROR, 502, NOT_SENT),
                arguments(new RuntimeCamelException(new HttpHostConnectException("refused")),
                        CONNECT_ERROR, 502, NOT_SENT),
                arguments(new RuntimeCamelException(connectTimeoutAsHttpClientThrowsIt()),
                        CONNECT_TIMEOUT, 504, NOT_SENT),
                arguments(new RuntimeCamelException(new IOException("pool", new ConnectionRequestTimeoutException())),
                        POOL_TIMEOUT, 503, NOT_SENT),
                arguments(new RuntimeCamelException(new IOException("wrapper", new SocketTimeoutException("read"))),
                        READ_TIMEOUT, 504, MAYBE_SENT),
                arguments(new RuntimeCamelException(new RejectedExecutionException("full")),
                        GATEWAY_OVERLOAD, 503, NOT_SENT),
                arguments(new RuntimeCamelException(new IllegalStateException("no I/O in the chain")),
                        GATEWAY_ERROR, 500, MAYBE_SENT));
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("failures")
    void givesTheClientStatusAndWhetherTheRequestMayHaveReachedTheBackend(Throwable failure, BackendFailure kind,
            int status, boolean mayHaveReachedBackend) {
        BackendFailure classified = BackendFailure.of(failure);
        assertThat(classified).isEqualTo(kind);
        assertThat(classified.status()).isEqualTo(status);
        assertThat(classified.mayHaveReachedBackend()).isEqualTo(mayHaveReachedBackend);
    }

    @Test
    void aConnectTimeoutIsAGatewayTimeoutForTheClientYetNeverReachedTheBackend() {
        BackendFailure kind = BackendFailure.of(connectTimeoutAsHttpClientThrowsIt());
        assertThat(kind.status()).isEqualTo(504);
        assertThat(kind.mayHaveReachedBackend()).isFalse();
    }

    @Test
    void theMostTellingCauseWinsWhereverItIsInTheChain() {
        // a generic I/O wrapper outside says less than the refused connect inside it
        assertThat(BackendFailure.of(new IOException("outer", new ConnectException("refused"))))
                .isEqualTo(CONNECT_ERROR);
        assertThat(BackendFailure.of(new ConnectException("outer")
                .initCause(new NoBackendAvailableException("inner")))).isEqualTo(NO_BACKEND_AVAILABLE);
    }

    @Test
    void theGatewaysOwnLimitsAreNotTheBackendsFault() {
        assertThat(GATEWAY_OVERLOAD.isBackendsFault()).isFalse();
        assertThat(RATE_LIMITED.isBackendsFault()).isFalse();
        assertThat(CONNECT_ERROR.isBackendsFault()).isTrue();
        assertThat(READ_TIMEOUT.isBackendsFault()).isTrue();
    }

    @Test
    void aCauseChainThatLoopsEndsTheWalk() {
        IOException a = new IOException("a");
        IOException b = new IOException("b", a);
        a.initCause(b);
        assertThat(BackendFailure.of(a)).isEqualTo(CONNECTION_FAILED);
    }

    /** HttpClient's connect operator wraps the socket's timeout, which alone would read as a read timeout. */
    private static Throwable connectTimeoutAsHttpClientThrowsIt() {
        ConnectTimeoutException e = new ConnectTimeoutException("Connect to http://127.0.0.1:1 failed");
        e.initCause(new SocketTimeoutException("Connect timed out"));
        return e;
    }
}
