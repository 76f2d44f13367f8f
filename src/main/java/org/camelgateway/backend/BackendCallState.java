package org.camelgateway.backend;

import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** One backend call while it is on its event loop: what to send, its limits, and how the route goes on. */
final class BackendCallState {

    final Exchange exchange;
    final BackendRequest request;
    final long connectTimeout;
    final long responseTimeout;
    /** May an idempotent request that met a closed pooled connection be resent once on a fresh one. */
    final boolean staleRetry;
    private final BackendClient.Completion completion;
    boolean retried;
    private boolean finished;

    BackendCallState(Exchange exchange, BackendRequest request, long connectTimeout, long responseTimeout,
            boolean staleRetry, BackendClient.Completion completion) {
        this.exchange = exchange;
        this.request = request;
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.staleRetry = staleRetry;
        this.completion = completion;
    }

    void fail(Throwable cause) {
        if (finish()) {
            exchange.setException(cause instanceof Exception e ? e : new RuntimeException(cause));
            completion.onLoop();
        }
    }

    /**
     * The response as camel-http gives it (a new message: the endpoints served here do not copy request headers).
     *
     * @param onLoop false when the body is still arriving: the route then continues off the event loop, where
     *               reading it may block
     */
    @SuppressWarnings("deprecation") // getOut, as camel-http itself: the response replaces the request message
    void succeed(int status, String reason, Map<String, Object> headers, Object body, boolean onLoop) {
        if (!finish()) {
            return;
        }
        Message answer = exchange.getOut();
        answer.setHeaders(headers);
        answer.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        if (reason != null) {
            answer.setHeader(Exchange.HTTP_RESPONSE_TEXT, reason);
        }
        answer.setBody(body);
        if (onLoop) {
            completion.onLoop();
        } else {
            completion.offLoop();
        }
    }

    private boolean finish() {
        if (finished) {
            return false;
        }
        finished = true;
        return true;
    }
}
