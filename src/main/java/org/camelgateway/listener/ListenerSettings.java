package org.camelgateway.listener;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;


/**
 * The listener's protection limits, read once from properties, and what every connection shares: the count of
 * open connections and the gate that holds new requests during a reload.
 */
public record ListenerSettings(Duration headerTimeout, Duration idleTimeout, int maxConnections,
        AtomicInteger openConnections, ReloadGate reloadGate) {

    public ListenerSettings(Duration headerTimeout, Duration idleTimeout, int maxConnections) {
        this(headerTimeout, idleTimeout, maxConnections, new AtomicInteger(), new ReloadGate());
    }
}
