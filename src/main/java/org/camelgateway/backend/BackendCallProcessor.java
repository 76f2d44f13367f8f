package org.camelgateway.backend;

import org.camelgateway.body.StreamCacheEntity;
import org.camelgateway.exchange.GatewayExchange;
import org.camelgateway.management.RequestObserver;

import java.net.URISyntaxException;
import java.util.concurrent.Executor;

import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProcessor;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.processor.SendProcessor;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.AsyncProcessorSupport;

/**
 * One call to a backend: through {@link BackendClient} without blocking a thread where it serves the endpoint,
 * else through camel-http as follows.
 *
 * <p>camel-http blocks its thread for the whole call, and the netty-http consumer runs routes on only
 * {@code max(maximumPoolSize, 2 x cores + 1)} threads, so on two cores five slow backends would stall the
 * gateway. The call therefore runs on the backend executor (a virtual thread on Java 21+, a pooled platform thread
 * on 17), and the route continues from there; the listener's threads are free at once.
 *
 * <p>It also gives the request body a known length: the listener's body is a stream cache, which camel-http
 * would send chunked with no {@code Content-Length}, and some backends refuse that with 411.
 */
final class BackendCallProcessor extends AsyncProcessorSupport {

    private final AsyncProcessor target;
    private final Executor executor;
    /** The camel-http endpoint called, if the step is a plain {@code to}. */
    private final HttpEndpoint endpoint;
    /** The endpoint, when {@link BackendClient} serves it; else null and camel-http makes the call. */
    private final HttpEndpoint direct;
    private final BackendClient client;
    private final RequestObserver observer;
    private final String routeId;
    private final String stepId;

    BackendCallProcessor(Processor target, Executor executor, BackendClient client, RequestObserver observer, String routeId,
            String stepId) {
        this.target = AsyncProcessorConverterHelper.convert(target);
        this.executor = executor;
        this.client = client;
        this.endpoint = target instanceof SendProcessor send && send.getEndpoint() instanceof HttpEndpoint http
                ? http : null;
        this.direct = endpoint != null && client.serves(endpoint) ? endpoint : null;
        this.observer = observer;
        this.routeId = routeId;
        this.stepId = stepId;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        exchange.setProperty(GatewayExchange.BACKEND_ROUTE, routeId);
        exchange.setProperty(GatewayExchange.BACKEND_STEP, stepId);
        AsyncCallback answered = doneSync -> {
            observer.backendAnswered(routeId, stepId, exchange.getException() != null ? 0
                    : exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class));
            callback.done(doneSync);
        };
        if (direct != null) {
            return client.call(exchange, direct, answered);
        }
        try {
            keepTilde(exchange);
            prepareBody(exchange);
            executor.execute(() -> target.process(exchange, doneSync -> answered.done(false)));
            return false;
        } catch (RuntimeException e) {
            // RejectedExecutionException when at the limit: answered 503
            exchange.setException(e);
        }
        callback.done(true);
        return true;
    }

    /** camel-http escapes {@code ~} in the URL; {@link BackendTargetActivityListener} puts the client's back. */
    private void keepTilde(Exchange exchange) {
        exchange.removeProperty(GatewayExchange.BACKEND_TARGET);
        if (endpoint != null && !endpoint.isSkipControlHeaders()) {
            try {
                String target = BackendTarget.of(exchange, endpoint, false).requestTarget();
                if (target.indexOf('~') >= 0) {
                    exchange.setProperty(GatewayExchange.BACKEND_TARGET, target);
                }
            } catch (URISyntaxException | RuntimeException e) {
                // camel-http fails the call on the same URL, and reports it
            }
        }
    }

    private static void prepareBody(Exchange exchange) {
        Message in = exchange.getIn();
        Object body = in.getBody();
        if (body instanceof StreamCache cache && body instanceof java.io.InputStream) {
            cache.reset();
            long length = cache.length();
            if (length == 0 && !BackendRequest.sendsBody(in.getHeader(Exchange.HTTP_METHOD, String.class), exchange)) {
                // no body at all: a GET must not go out with "Content-Length: 0" or chunked framing
                in.setBody(null);
            } else {
                // camel-http sends it with POST, PUT and PATCH, and ExecChainHandler with any other method
                in.setBody(new StreamCacheEntity(cache, length, in.getHeader(Exchange.CONTENT_TYPE, String.class)));
            }
        }
    }

    @Override
    public String toString() {
        return "BackendCallProcessor[" + target + "]";
    }
}
