package org.camelgateway.balancer;

import org.camelgateway.errors.BackendFailure;

import org.apache.camel.Exchange;
import org.apache.camel.http.base.HttpOperationFailedException;

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
    /** The gateway itself was at a limit (its executor, a rate limit): not the member's fault, and not retried. */
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
            BackendFailure failure = BackendFailure.of(e);
            if (failure == BackendFailure.BACKEND_STATUS) {
                int code = find(e, HttpOperationFailedException.class).getStatusCode();
                return isBadStatus(code) ? BAD_STATUS : SUCCESS;
            }
            return of(failure);
        }
        Integer code = attempt.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        return code != null && isBadStatus(code) ? BAD_STATUS : SUCCESS;
    }

    /** A failure that is not the backend's answer: the gateway's limits, before sending, or possibly after. */
    static Outcome of(BackendFailure failure) {
        if (!failure.isBackendsFault()) {
            return GATEWAY_OVERLOAD;
        }
        return failure.mayHaveReachedBackend() ? FAILED_AFTER_SEND : NOT_SENT;
    }

    private static boolean isBadStatus(int code) {
        return code == 502 || code == 503 || code == 504;
    }

}
