package org.camelgateway.management;

import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM (and SIGINT) as Kubernetes needs them: readiness turns false at once while requests are still served for
 * the grace period (endpoints take a few seconds to stop sending new ones), then the listener stops taking new
 * requests, in-flight ones finish up to the drain timeout, and the process exits 0.
 *
 * <p>The JVM's default SIGTERM handling runs shutdown hooks at once and exits 143; handling the signal here keeps
 * the order and the exit status under the gateway's control.
 */
public final class GracefulDrain {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulDrain.class);

    private final Main main;
    private volatile boolean started;

    private GracefulDrain(Main main) {
        this.main = main;
    }

    /** Installs the handlers; {@code main.run()} returns once the drain is complete. */
    public static void install(Main main) {
        GracefulDrain drain = new GracefulDrain(main);
        Signal.handle(new Signal("TERM"), s -> drain.begin("SIGTERM"));
        Signal.handle(new Signal("INT"), s -> drain.begin("SIGINT"));
    }

    private synchronized void begin(String signal) {
        if (started) {
            return;
        }
        started = true;
        Thread t = new Thread(() -> drain(signal), "gateway-drain");
        t.start();
    }

    private void drain(String signal) {
        CamelContext context = main.getCamelContext();
        if (context == null) {
            main.completed();
            return;
        }
        long grace = millis(context, "gateway.drain.grace-period");
        long timeout = millis(context, "gateway.drain.timeout");
        HealthState state = context.getRegistry().lookupByNameAndType(HealthState.REGISTRY_NAME, HealthState.class);
        if (state != null) {
            state.startDraining();
        }
        LOG.info("{}: not ready any more; serving for the {} ms grace period, then draining for up to {} ms",
                signal, grace, timeout);
        try {
            TimeUnit.MILLISECONDS.sleep(grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        awaitRequests(context, deadline);
        context.getShutdownStrategy().setTimeUnit(TimeUnit.MILLISECONDS);
        context.getShutdownStrategy().setTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        main.completed();
    }

    /**
     * Camel's shutdown waits only for exchanges still inside a route; a response body being relayed after its route
     * finished would be cut when the listener and the backend pool close. So first wait, within the drain timeout,
     * until every request the gateway took has been answered in full.
     */
    private static void awaitRequests(CamelContext context, long deadline) {
        RequestObserver requests = context.getRegistry()
                .lookupByNameAndType(RequestObserver.REGISTRY_NAME, RequestObserver.class);
        if (requests == null || requests.inFlight() == 0) {
            return;
        }
        LOG.info("Waiting for {} requests in flight", requests.inFlight());
        try {
            while (requests.inFlight() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The default is in application.properties, as for every gateway key. */
    private static long millis(CamelContext context, String key) {
        return context.getPropertiesComponent().resolveProperty(key).map(Long::parseLong).orElseThrow(
                () -> new IllegalStateException(key + " is not set"));
    }
}
