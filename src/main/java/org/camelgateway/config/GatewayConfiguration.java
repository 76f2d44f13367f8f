package org.camelgateway.config;

import org.camelgateway.backend.BackendCallInterceptStrategy;
import org.camelgateway.backend.BackendClient;
import org.camelgateway.backend.BackendExecutor;
import org.camelgateway.backend.GatewayHttpComponent;
import org.camelgateway.body.BodySpool;
import org.camelgateway.headers.ForwardedHeadersRoutePolicy;
import org.camelgateway.headers.GatewayHeaderFilterStrategy;
import org.camelgateway.headers.TrustedProxies;
import org.camelgateway.listener.GatewayNettyHttpBinding;
import org.camelgateway.listener.GatewayNettyHttpComponent;
import org.camelgateway.listener.ListenerSettings;
import org.camelgateway.management.HealthState;
import org.camelgateway.management.ManagementServer;
import org.camelgateway.management.RequestObserver;
import org.camelgateway.management.TimerRoutePolicy;
import org.camelgateway.reload.RouteSetCheck;
import org.camelgateway.reload.RoutesReloader;
import org.camelgateway.transport.NativeTransport;

import java.nio.file.Path;
import java.time.Duration;

import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.LoggingLevel;
import org.apache.camel.PropertyInject;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.component.http.HttpMethods;

/**
 * All of the gateway's wiring. Beans bound here replace Camel's stock components under their usual names, so a
 * user's {@code netty-http:} listener and {@code http:} backends get the proxy behaviour with no extra options.
 * Plain Camel options (timeouts, pool sizes) are set in {@code application.properties}, where users override them;
 * it is also the one place the {@code gateway.*} defaults live: nothing here has a default of its own.
 */
public class GatewayConfiguration implements CamelConfiguration {

    private final GatewayHeaderFilterStrategy headers = new GatewayHeaderFilterStrategy();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private RequestObserver observer;

    /** Found by name by camel-micrometer, and by type by the pools for their gauges. */
    @BindToRegistry("metricsRegistry")
    public PrometheusMeterRegistry metricsRegistry() {
        return metrics;
    }

    private synchronized RequestObserver observer(boolean accessLog) {
        if (observer == null) {
            observer = new RequestObserver(metrics, accessLog);
        }
        return observer;
    }

    @BindToRegistry("netty-http")
    public GatewayNettyHttpComponent listener(
            @PropertyInject("gateway.max-body-size") int maxBodySize,
            @PropertyInject("gateway.expose-route") boolean exposeRoute,
            @PropertyInject("gateway.access-log") boolean accessLog,
            @PropertyInject("gateway.max-header-size") int maxHeaderSize,
            @PropertyInject("gateway.max-request-line") int maxRequestLine,
            @PropertyInject("gateway.header-timeout") long headerTimeout,
            @PropertyInject("gateway.idle-timeout") long idleTimeout,
            @PropertyInject("gateway.max-connections") int maxConnections,
            @PropertyInject("gateway.route-on-event-loop") boolean onEventLoop,
            @PropertyInject("gateway.send-timeout") long sendTimeout,
            @PropertyInject("gateway.body-buffer-size") int bodyBufferSize,
            @PropertyInject("gateway.body-spool-dir") String bodySpoolDir,
            @PropertyInject("gateway.body-spool-limit") long bodySpoolLimit,
            @PropertyInject("gateway.native-transport") boolean nativeTransport) {
        NettyHttpConfiguration defaults = new NettyHttpConfiguration();
        defaults.setNativeTransport(nativeTransport && NativeTransport.available());
        defaults.setChunkedMaxContentLength(maxBodySize);
        defaults.setMaxHeaderSize(maxHeaderSize);
        defaults.setMaxInitialLineLength(maxRequestLine);
        defaults.setUsingExecutorService(!onEventLoop);
        // a client that resets its connection before its response is written is the client's doing (nginx logs it
        // at info); Camel would log each one at WARN with a stack trace
        defaults.setServerExceptionCaughtLogLevel(LoggingLevel.DEBUG);
        // the binding returns no response when it has relayed a streamed body itself: nothing to log or close then
        defaults.setDisconnectOnNoReply(false);
        defaults.setNoReplyLogLevel(LoggingLevel.TRACE);
        Path spoolDir = Path.of(bodySpoolDir.isBlank() ? System.getProperty("java.io.tmpdir") : bodySpoolDir);
        GatewayNettyHttpComponent component = new GatewayNettyHttpComponent(new ListenerSettings(
                Duration.ofMillis(headerTimeout), Duration.ofMillis(idleTimeout), maxConnections),
                new BodySpool(spoolDir, bodyBufferSize, bodySpoolLimit));
        component.setConfiguration(defaults);
        // 4.18 writes stack traces to clients by default; errors are answered by the binding instead
        component.setMuteException(true);
        component.setNettyHttpBinding(new GatewayNettyHttpBinding(headers, exposeRoute, observer(accessLog),
                Duration.ofMillis(sendTimeout)));
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
    public void configure(CamelContext context) throws Exception {
        int maxInFlight = Integer.parseInt(property(context, "gateway.max-in-flight"));
        RequestObserver requests = observer(Boolean.parseBoolean(property(context, "gateway.access-log")));
        context.getRegistry().bind(RequestObserver.REGISTRY_NAME, requests);
        BackendExecutor backendExecutor = new BackendExecutor(maxInFlight);
        // "http" sends every backend call through camel-http's blocking client (the way before BackendClient)
        BackendClient backendClient = new BackendClient(backendExecutor,
                !"http".equals(property(context, "gateway.backend-client")),
                property(context, "gateway.backend.tls.trust-file"));
        // stopped with the context: its idle threads end then, not 30 s later (tests start many gateways in one JVM)
        context.addService(backendExecutor);
        context.addService(backendClient);
        context.getCamelContextExtension().addInterceptStrategy(
                new BackendCallInterceptStrategy(backendExecutor, backendClient, requests));
        ForwardedHeadersRoutePolicy forwarded = new ForwardedHeadersRoutePolicy(
                TrustedProxies.parse(property(context, "gateway.trusted-proxies")));
        context.addRoutePolicyFactory((ctx, routeId, route) -> forwarded);

        if (Boolean.parseBoolean(property(context, "gateway.route-metrics"))) {
            // per-route timers from camel-micrometer, tagged by route id; per route only: a context-wide series
            // would repeat gateway_requests
            context.addRoutePolicyFactory((ctx, routeId, route) -> new TimerRoutePolicy(metrics));
        }
        // camel-micrometer's info series, as its route policy service registered it
        Gauge.builder("app.info", () -> 1)
                .tags("camel.context", context.getName(), "camel.runtime.provider", "Main",
                        "camel.runtime.version", context.getVersion(), "camel.version", context.getVersion())
                .register(metrics);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);

        // camel-http reads the method header as its HttpMethods enum on every call; Camel has no direct
        // String-to-HttpMethods converter and searched every registered one each time (a quarter of the CPU per
        // request under load). Registering it makes the lookup a map hit.
        context.getTypeConverterRegistry().addTypeConverter(HttpMethods.class, String.class,
                new HttpMethodsTypeConverter());

        HealthState state = new HealthState(context);
        context.getRegistry().bind(HealthState.REGISTRY_NAME, state);
        String routes = property(context, "gateway.routes");
        RouteSetCheck check = context.getRegistry().lookupByNameAndType(RouteSetCheck.REGISTRY_NAME, RouteSetCheck.class);
        if (Boolean.parseBoolean(property(context, "gateway.reload.enabled")) && !routes.isEmpty()
                && check != null) {
            context.addService(new RoutesReloader(context, Path.of(routes), check,
                    Long.parseLong(property(context, "gateway.reload.debounce")), metrics));
        }
        if (Boolean.parseBoolean(property(context, "gateway.management.enabled"))) {
            context.addService(new ManagementServer(property(context, "gateway.management.host"),
                    Integer.parseInt(property(context, "gateway.management.port")), state, metrics));
        }
    }

    /** Every key has its default, with the reason, in application.properties: the one place defaults live. */
    private static String property(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key).orElseThrow(() -> new IllegalStateException(
                key + " is not set: application.properties on the class path has every gateway key"));
    }
}
