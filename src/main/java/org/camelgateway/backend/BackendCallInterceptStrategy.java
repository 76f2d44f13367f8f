package org.camelgateway.backend;

import org.camelgateway.management.RequestObserver;

import java.util.concurrent.Executor;

import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.processor.SendDynamicProcessor;
import org.apache.camel.processor.SendProcessor;
import org.apache.camel.spi.IdAware;
import org.apache.camel.spi.InterceptStrategy;

/**
 * Finds every backend call in every route ({@code to} or {@code toD} with an http(s) URI, inside a load
 * balancer or not) and wraps it in a {@link BackendCallProcessor}. Routes need no step of their own for it.
 */
public final class BackendCallInterceptStrategy implements InterceptStrategy {

    private final Executor executor;
    private final BackendClient client;
    private final RequestObserver observer;

    public BackendCallInterceptStrategy(Executor executor, BackendClient client, RequestObserver observer) {
        this.executor = executor;
        this.client = client;
        this.observer = observer;
    }

    @Override
    public Processor wrapProcessorInInterceptors(
            CamelContext context, NamedNode definition, Processor target, Processor nextTarget) {
        if (!isBackendCall(target)) {
            return target;
        }
        // the step id names the member in pools, metrics and logs ("orders-v1"); without one, the endpoint does
        String member = definition.getId() != null ? definition.getId() : endpointOf(target);
        if (target instanceof IdAware step && step.getId() == null) {
            step.setId(member);
        }
        return new BackendCallProcessor(target, executor, client, observer, routeId(definition), member);
    }

    private static String endpointOf(Processor p) {
        return p instanceof SendProcessor send ? send.getEndpoint().getEndpointUri() : ((SendDynamicProcessor) p).getUri();
    }

    private static String routeId(NamedNode node) {
        for (NamedNode n = node; n != null; n = n.getParent()) {
            if (n instanceof RouteDefinition route) {
                return route.getRouteId();
            }
        }
        return "unknown";
    }

    static boolean isBackendCall(Processor p) {
        if (p instanceof SendProcessor send) {
            return send.getEndpoint() instanceof HttpEndpoint;
        }
        if (p instanceof SendDynamicProcessor send) {
            String uri = send.getUri();
            return uri != null && (uri.startsWith("http:") || uri.startsWith("https:"));
        }
        return false;
    }
}
