package org.camelgateway.backend;

import org.camelgateway.exchange.GatewayExchange;

import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;

/**
 * Puts back the {@code ~} camel-http escapes in a call's target, for calls camel-http makes (https backends and
 * endpoints with options {@link BackendClient} leaves to it). {@link BackendCallProcessor} works the target out with
 * {@link BackendTarget} before the call; camel-http's activity listener is the one hook that sees both the exchange
 * and HttpClient's request. Only a target that differs from camel-http's by its escaped {@code ~} alone is
 * replaced, so a redirect's new target is left as it is.
 */
final class BackendTargetActivityListener implements HttpActivityListener {

    static final BackendTargetActivityListener INSTANCE = new BackendTargetActivityListener();

    private BackendTargetActivityListener() {
    }

    @Override
    public void onRequestSubmitted(Object source, Exchange exchange, HttpHost host, HttpRequest request,
            HttpEntity entity) {
        String target = exchange != null ? exchange.getProperty(GatewayExchange.BACKEND_TARGET, String.class) : null;
        if (target != null && target.replace("~", "%7E").equals(request.getPath())) {
            request.setPath(target);
        }
    }

    @Override
    public void onResponseReceived(Object source, Exchange exchange, HttpHost host, HttpResponse response,
            HttpEntity entity, long elapsed) {
        // nothing to do
    }
}
