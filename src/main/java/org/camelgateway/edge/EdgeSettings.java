package org.camelgateway.edge;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The listener's protection limits, read once from properties. {@code openConnections} is shared by every
 * connection of the gateway.
 */
public record EdgeSettings(Duration headerTimeout, Duration idleTimeout, int maxConnections,
        AtomicInteger openConnections) {

    public EdgeSettings(Duration headerTimeout, Duration idleTimeout, int maxConnections) {
        this(headerTimeout, idleTimeout, maxConnections, new AtomicInteger());
    }
}
