package org.camelgateway.errors;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;
import org.apache.hc.core5.http.HttpException;

/**
 * What kind of failure a backend call ended in, as Zuul's {@code OutboundErrorType}: each kind says what the client
 * is told and whether the request may have reached the backend, which decides whether another backend may be tried
 * for a request that is not idempotent. The two facts are kept apart on purpose: a connect timeout is a 504 for the
 * client (the backend did not answer in time) and yet the request never left, so it is always safe to retry.
 *
 * <p>The constants are in order of precedence: Camel and HttpClient wrap the exception that decides, and when the
 * cause chain holds several kinds, the first declared wins. A connect timeout must rank above a read timeout
 * because HttpClient's {@link ConnectTimeoutException} wraps the {@link java.net.SocketTimeoutException} it came
 * from.
 */
public enum BackendFailure {

    /** The route asked camel-http to throw on the backend's status: the client gets the backend's answer. */
    BACKEND_STATUS(0, "backend answered with an error status", true, true),
    /** A rate limit of the gateway refused the request (429 with Retry-After). */
    RATE_LIMITED(429, "rate limit exceeded", false, false),
    /** Every member of a pool is out: nothing was sent. */
    NO_BACKEND_AVAILABLE(503, "no backend available", false, true),
    /** The gateway's own executor is full: not a backend's fault. */
    GATEWAY_OVERLOAD(503, "gateway is at its concurrency limit", false, false),
    /** No pooled connection to the backend came free in time: nothing was sent. */
    POOL_TIMEOUT(503, "no backend connection available in time", false, true),
    /** The backend did not accept the connection in time: 504 for the client, yet nothing was sent. */
    CONNECT_TIMEOUT(504, "backend did not answer in time", false, true),
    /** Connected, then no (whole) answer in time: the backend may be acting on the request. */
    READ_TIMEOUT(504, "backend did not answer in time", true, true),
    /** Refused, no route, unknown host: nothing was sent. */
    CONNECT_ERROR(502, "backend unreachable", false, true),
    /** Reset, closed without an answer, a malformed answer: the backend may have acted on the request. */
    CONNECTION_FAILED(502, "backend connection failed", true, true),
    /** Anything else: a fault of the gateway or the route, not known to have stopped before sending. */
    GATEWAY_ERROR(500, "gateway error", true, true);

    /** Cause chains are a few links deep; the bound only stops a chain that loops through initCause. */
    private static final int MAX_DEPTH = 64;

    private final int status;
    private final String detail;
    private final boolean mayHaveReachedBackend;
    private final boolean backendsFault;

    BackendFailure(int status, String detail, boolean mayHaveReachedBackend, boolean backendsFault) {
        this.status = status;
        this.detail = detail;
        this.mayHaveReachedBackend = mayHaveReachedBackend;
        this.backendsFault = backendsFault;
    }

    /** The status the client gets; 0 for {@link #BACKEND_STATUS}, where it is the backend's own. */
    public int status() {
        return status;
    }

    /** The problem body's detail: says whose fault it was, never what the exception said. */
    public String detail() {
        return detail;
    }

    /**
     * Whether the backend may have received (and acted on) the request. When false, the request may be sent to
     * another backend whatever its method; when true, only an idempotent one may (see {@code RetrySafety}).
     */
    public boolean mayHaveReachedBackend() {
        return mayHaveReachedBackend;
    }

    /** Whether it counts against the backend (ejection, breaker); false for the gateway's own limits. */
    public boolean isBackendsFault() {
        return backendsFault;
    }

    /** The kind of {@code failure}, from one walk of its cause chain. */
    public static BackendFailure of(Throwable failure) {
        BackendFailure found = GATEWAY_ERROR;
        int depth = 0;
        for (Throwable c = failure; c != null && depth < MAX_DEPTH; c = c.getCause() == c ? null : c.getCause()) {
            BackendFailure kind = ofOne(c);
            if (kind != null && kind.ordinal() < found.ordinal()) {
                found = kind;
                if (found == BACKEND_STATUS) {
                    break;
                }
            }
            depth++;
        }
        return found;
    }

    /** The kind {@code t} itself stands for, without its causes; null if it says nothing. */
    private static BackendFailure ofOne(Throwable t) {
        if (t instanceof HttpOperationFailedException) {
            return BACKEND_STATUS;
        }
        if (t instanceof RateLimitedException) {
            return RATE_LIMITED;
        }
        if (t instanceof NoBackendAvailableException) {
            return NO_BACKEND_AVAILABLE;
        }
        if (t instanceof RejectedExecutionException) {
            return GATEWAY_OVERLOAD;
        }
        if (t instanceof ConnectionRequestTimeoutException) {
            return POOL_TIMEOUT;
        }
        // Netty's is a ConnectException, HttpClient's an InterruptedIOException: both are a connect timeout
        if (t instanceof ConnectTimeoutException || t instanceof io.netty.channel.ConnectTimeoutException) {
            return CONNECT_TIMEOUT;
        }
        if (t instanceof InterruptedIOException) {
            return READ_TIMEOUT;
        }
        if (t instanceof ConnectException || t instanceof NoRouteToHostException
                || t instanceof UnknownHostException) {
            return CONNECT_ERROR;
        }
        if (t instanceof IOException || t instanceof HttpException) {
            return CONNECTION_FAILED;
        }
        return null;
    }
}
