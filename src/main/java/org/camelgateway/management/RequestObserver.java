package org.camelgateway.management;

import org.camelgateway.exchange.ClientRequest;
import org.camelgateway.exchange.GatewayExchange;
import org.camelgateway.exchange.RequestIds;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees every answered request once, with its final status: counts and times it by route and status class, and
 * writes the access log line. Tags are route ids, member ids and status classes only, never paths, so the number
 * of series stays bounded whatever clients send.
 */
public final class RequestObserver {

    private static final Logger ACCESS = LoggerFactory.getLogger(LogConfigurator.ACCESS_LOGGER);
    private static final String START = "GatewayStartNanos";

    private final MeterRegistry registry;
    private final boolean accessLog;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
    private final Map<String, Counter> backendCounters = new ConcurrentHashMap<>();

    public RequestObserver(MeterRegistry registry, boolean accessLog) {
        this.registry = registry;
        this.accessLog = accessLog;
        registry.gauge("gateway.requests.in.flight", inFlight);
    }

    /** Name in Camel's registry, where the shutdown handler finds it. */
    public static final String REGISTRY_NAME = "gatewayRequests";

    /** Requests started and not yet answered in full (a relayed body counts until its last byte). */
    public int inFlight() {
        return inFlight.get();
    }

    /** A request arrived on the listener. */
    public void requestStarted(Exchange exchange) {
        exchange.setProperty(START, System.nanoTime());
        inFlight.incrementAndGet();
    }

    /** A response is about to be written. */
    public void requestAnswered(Exchange exchange, int status, long bytesIn, long bytesOut) {
        inFlight.decrementAndGet();
        Long start = exchange.getProperty(START, Long.class);
        long nanos = start != null ? System.nanoTime() - start : 0;
        String route = exchange.getProperty(GatewayExchange.BACKEND_ROUTE, "none", String.class);
        requestTimers.computeIfAbsent(route + ' ' + statusClass(status), k -> Timer.builder("gateway.requests")
                .description("Requests answered by the gateway, by the route that answered and status class")
                .tags("route", route, "status", statusClass(status))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
        if (accessLog) {
            ACCESS.info(accessLine(exchange, status, nanos, bytesIn, bytesOut, route));
        }
    }

    /** One call to a backend member finished, with its status (or 0 when no response came). */
    public void backendAnswered(String route, String member, int status) {
        String cls = status == 0 ? "error" : statusClass(status);
        backendCounters.computeIfAbsent(route + ' ' + member + ' ' + cls, k -> Counter.builder("gateway.backend.requests")
                .description("Calls to backend members, by route, member and status class (error: no response)")
                .tags("route", route, "member", member, "status", cls)
                .register(registry)).increment();
    }


    static String statusClass(int status) {
        return switch (status / 100) {
            case 1 -> "1xx";
            case 2 -> "2xx";
            case 3 -> "3xx";
            case 4 -> "4xx";
            default -> "5xx";
        };
    }

    private static String accessLine(Exchange exchange, int status, long nanos, long bytesIn, long bytesOut,
            String route) {
        StringBuilder b = new StringBuilder(256).append('{');
        field(b, "time", Instant.now().toString()).append(',');
        field(b, "requestId", RequestIds.of(exchange)).append(',');
        field(b, "client", exchange.getProperty(GatewayExchange.CLIENT_IP, String.class)).append(',');
        ClientRequest request = ClientRequest.of(exchange);
        field(b, "method", request != null ? request.method() : null).append(',');
        field(b, "path", request != null ? request.path() : null).append(',');
        b.append("\"status\":").append(status).append(',');
        field(b, "route", route).append(',');
        field(b, "member", exchange.getProperty(GatewayExchange.BACKEND_STEP, String.class)).append(',');
        b.append("\"attempts\":").append(exchange.getProperty(GatewayExchange.ATTEMPTS,
                exchange.getProperty(GatewayExchange.BACKEND_ROUTE) != null ? 1 : 0, Integer.class)).append(',');
        b.append("\"durationMs\":").append(String.format("%.3f", nanos / 1e6)).append(',');
        b.append("\"bytesIn\":").append(bytesIn).append(',');
        b.append("\"bytesOut\":").append(bytesOut).append('}');
        return b.toString();
    }

    /**
     * Appends {@code "name":"value"} with the value escaped for JSON: quote, backslash and control characters, so
     * that no value can end its string or split the line. Everything else is written as it is (UTF-8 in the log).
     */
    static StringBuilder field(StringBuilder b, String name, String value) {
        b.append('"').append(name).append("\":");
        if (value == null) {
            return b.append("null");
        }
        b.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"');
    }
}
