package org.camelgateway.management;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyNamingStrategy;
import org.apache.camel.support.RoutePolicySupport;

/**
 * camel-micrometer's per-route timer ({@code camel_route_policy_seconds}, same name and tags, from its default
 * naming strategy), with the timer sample kept under a property name fixed per route. Camel 4.18's
 * {@code MicrometerRoutePolicy} builds that name with {@code String.format} three times per exchange (route id plus
 * exchange id), which cost about 5% of the CPU per proxied request.
 * <p>
 * Only the route timer is kept, as the gateway had configured camel-micrometer's policy before: no context-wide
 * series (it would repeat {@code gateway_requests}) and no extra counters (a meter lookup each per exchange). Nor
 * the policy's JSON-dump service: it builds two Jackson mappers at start-up, about 60 ms, for a JMX operation that
 * repeats {@code /metrics}; its {@code app_info} series is registered by the gateway's configuration instead. The
 * timer is registered when the route starts, so the series exists before the first request.
 */
public final class TimerRoutePolicy extends RoutePolicySupport {

    private final MeterRegistry registry;
    private String sampleProperty;
    private Timer timer;

    public TimerRoutePolicy(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void onStart(Route route) {
        MicrometerRoutePolicyNamingStrategy naming = MicrometerRoutePolicyNamingStrategy.DEFAULT;
        sampleProperty = "CamelGatewayRouteTimer-" + route.getRouteId();
        timer = Timer.builder(naming.getName(route))
                .tags(naming.getTags(route))
                .description("Route performance metrics")
                .register(registry);
    }

    @Override
    public void onRemove(Route route) {
        if (timer != null) {
            registry.remove(timer);
            timer = null;
        }
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        if (timer != null) {
            exchange.setProperty(sampleProperty, Timer.start(registry));
        }
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        Object sample = exchange.removeProperty(sampleProperty);
        if (sample instanceof Timer.Sample started && timer != null) {
            started.stop(timer);
        }
    }
}
