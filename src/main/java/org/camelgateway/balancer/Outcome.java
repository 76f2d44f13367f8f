package org.camelgateway.balancer;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.RejectedExecutionException;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.core5.http.ConnectionRequestTimeoutException;

import static org.camelgateway.errors.Causes.find;

/** What one attempt on a pool member came to, and so whether it may be retried on another member. */
enum Outcome {

    /** The backend answered with anything but 502, 503 or 504. */
    SUCCESS,
    /** The request never left the gateway (connection refused, unreachable, connect timeout): always safe to retry. */
    NOT_SENT,
    /** The request may have reached the backend (reset, timeout after sending): retry only if idempotent. */
    FAILED_AFTER_SEND,
    /** The backend answered 502, 503 or 504: retry only if idempotent. */
    BAD_STATUS,
    /** The gateway itself was at its limit: not the member's fault, and not retried. */
    GATEWAY_OVERLOAD;

    boolean isMemberFailure() {
        return this == NOT_SENT || this == FAILED_AFTER_SEND || this == BAD_STATUS;
    }

    boolean isRetriable(boolean idempotent) {
        return this == NOT_SENT || (idempotent && (this == FAILED_AFTER_SEND || this == BAD_STATUS));
    }

    static Outcome of(Exchange attempt) {
        Exception e = attempt.getException();
        if (e != null) {
            HttpOperationFailedException status = find(e, HttpOperationFailedException.class);
            if (status != null) {
                return isBadStatus(status.getStatusCode()) ? BAD_STATUS : SUCCESS;
            }
            if (find(e, RejectedExecutionException.class) != null) {
                return GATEWAY_OVERLOAD;
            }
            if (find(e, ConnectException.class) != null || find(e, NoRouteToHostException.class) != null
                    || find(e, UnknownHostException.class) != null || find(e, ConnectTimeoutException.class) != null
                    || find(e, ConnectionRequestTimeoutException.class) != null) {
                return NOT_SENT;
            }
            // resets, NoHttpResponse, response timeouts: the backend may have acted on the request
            return FAILED_AFTER_SEND;
        }
        Integer code = attempt.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return code != null && isBadStatus(code) ? BAD_STATUS : SUCCESS;
    }

    private static boolean isBadStatus(int code) {
        return code == 502 || code == 503 || code == 504;
    }

}
