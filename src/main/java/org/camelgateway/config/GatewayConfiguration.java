package org.camelgateway.config;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.camelgateway.proxy.BackendCallStrategy;
import org.camelgateway.proxy.BackendExecutor;
import org.camelgateway.proxy.ForwardedHeaders;
import org.camelgateway.proxy.GatewayHeaderFilterStrategy;
import org.camelgateway.proxy.GatewayHttpComponent;
import org.camelgateway.proxy.GatewayNettyHttpBinding;
import org.camelgateway.proxy.GatewayNettyHttpComponent;

/**
 * All of the gateway's wiring. Beans bound here replace Camel's stock components under their usual names, so a
 * user's {@code netty-http:} listener and {@code http:} backends get the proxy behaviour with no extra options.
 * Plain Camel options (timeouts, pool sizes) are set in {@code application.properties}, where users override them.
 */
public class GatewayConfiguration implements CamelConfiguration {

    private final GatewayHeaderFilterStrategy headers = new GatewayHeaderFilterStrategy();

    @BindToRegistry("netty-http")
    public GatewayNettyHttpComponent listener(
            @PropertyInject(value = "gateway.max-body-size", defaultValue = "10485760") int maxBodySize,
            @PropertyInject(value = "gateway.expose-route", defaultValue = "false") boolean exposeRoute) {
        NettyHttpConfiguration defaults = new NettyHttpConfiguration();
        defaults.setChunkedMaxContentLength(maxBodySize);
        GatewayNettyHttpComponent component = new GatewayNettyHttpComponent();
        component.setConfiguration(defaults);
        // 4.18 writes stack traces to clients by default; errors are answered by the binding instead
        component.setMuteException(true);
        component.setNettyHttpBinding(new GatewayNettyHttpBinding(exposeRoute));
        component.setHeaderFilterStrategy(headers);
        return component;
    }

    @BindToRegistry("http")
    public GatewayHttpComponent http() {
        return backendComponent();
    }

    @BindToRegistry("https")
    public GatewayHttpComponent https() {
        return backendComponent();
    }

    private GatewayHttpComponent backendComponent() {
        GatewayHttpComponent component = new GatewayHttpComponent();
        component.setHeaderFilterStrategy(headers);
        return component;
    }

    @Override
    public void configure(CamelContext context) {
        int maxInFlight = Integer.parseInt(context.resolvePropertyPlaceholders("{{gateway.max-in-flight:4096}}"));
        context.getCamelContextExtension().addInterceptStrategy(new BackendCallStrategy(new BackendExecutor(maxInFlight)));
        ForwardedHeaders forwarded = new ForwardedHeaders();
        context.addRoutePolicyFactory((ctx, routeId, route) -> forwarded);

        // Failures are answered by the binding with a one-line log; Camel's exhausted-delivery log would add a
        // stack trace and message history per failed request.
        context.getCamelContextExtension().setErrorHandlerFactory(new DefaultErrorHandlerDefinition()
                .logExhausted(false).logStackTrace(false));
    }
}
