package org.camelgateway.backend;

import org.camelgateway.exchange.RetrySafety;

import java.io.IOException;

import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;

/**
 * HttpClient's retry policy for the gateway: resend once, on a fresh connection, an idempotent request whose pooled
 * keep-alive connection turned out to be closed by the backend (the classic "connection prematurely closed" 502 of
 * pooled proxies). Nothing else is retried here: not statuses (HttpClient's default retries 429/503 and sleeps on
 * Retry-After, which a proxy must pass to its client), not timeouts, and never a POST or PATCH.
 */
final class StaleConnectionRetryStrategy implements HttpRequestRetryStrategy {

    static final StaleConnectionRetryStrategy INSTANCE = new StaleConnectionRetryStrategy();

    @Override
    public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
        return execCount <= 1 && exception instanceof NoHttpResponseException
                && RetrySafety.mayResendOnFreshConnection(request.getMethod());
    }

    @Override
    public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
        return false;
    }

    @Override
    public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
        return TimeValue.ZERO_MILLISECONDS;
    }
}
