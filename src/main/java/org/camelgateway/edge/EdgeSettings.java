package org.camelgateway.edge;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.camelgateway.ops.ReloadGate;

/**
 * The listener's protection limits, read once from properties, and what every connection shares: the count of
 * open connections and the gate that holds new requests during a reload.
 */
public record EdgeSettings(Duration headerTimeout, Duration idleTimeout, int maxConnections,
        AtomicInteger openConnections, ReloadGate reloadGate) {

    public EdgeSettings(Duration headerTimeout, Duration idleTimeout, int maxConnections, ReloadGate reloadGate) {
        this(headerTimeout, idleTimeout, maxConnections, new AtomicInteger(), reloadGate);
    }
}
