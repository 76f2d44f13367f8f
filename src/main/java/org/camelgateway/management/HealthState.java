package org.camelgateway.management;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;

/** Whether the gateway should receive traffic: what the readiness probe reports. */
public final class HealthState {

    /** Name in Camel's registry, where the shutdown handler finds it. */
    public static final String REGISTRY_NAME = "gatewayState";

    private final CamelContext context;
    private volatile boolean draining;

    public HealthState(CamelContext context) {
        this.context = context;
    }

    /** Ready once the context and every route (so every listener) have started, and until draining begins. */
    public boolean isReady() {
        if (draining || !context.isStarted()) {
            return false;
        }
        for (Route route : context.getRoutes()) {
            if (!context.getRouteController().getRouteStatus(route.getRouteId()).isStarted()) {
                return false;
            }
        }
        return true;
    }

    /** Alive unless the context has failed or stopped; draining is still alive. */
    public boolean isAlive() {
        return !context.isStopped() || draining;
    }

    public void startDraining() {
        draining = true;
    }
}
