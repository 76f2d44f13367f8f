package org.camelgateway.listener;

import org.camelgateway.body.BodySpool;
import org.camelgateway.transport.NativeTransport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import org.apache.camel.Endpoint;
import org.apache.camel.component.netty.http.HttpServerBootstrapFactory;
import org.apache.camel.component.netty.http.HttpServerConsumerChannelFactory;
import org.apache.camel.component.netty.http.NettyHttpComponent;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;
import org.apache.camel.support.service.ServiceHelper;

/**
 * The netty-http component with what configuration alone cannot give it:
 * <ul>
 * <li>every method a gateway proxies is routed. Without {@code httpMethodRestrict} Camel answers OPTIONS itself
 * and the route never sees it; TRACE and CONNECT stay refused with 405, as nginx does;</li>
 * <li>the listener's pipeline is the gateway's ({@link GatewayServerInitializerFactory}). Camel builds the
 * pipeline of a shared HTTP port with a hard-wired factory that ignores {@code serverInitializerFactory};</li>
 * <li>the port stays bound while a reload swaps the routes (see {@code RoutesReloader}).</li>
 * </ul>
 */
public class GatewayNettyHttpComponent extends NettyHttpComponent {

    public static final String ROUTED_METHODS = "GET,HEAD,POST,PUT,DELETE,PATCH,OPTIONS";

    private final Map<String, HttpServerBootstrapFactory> listeners = new ConcurrentHashMap<>();
    private final Map<Integer, GatewayMultiplexChannelHandler> dispatchers = new ConcurrentHashMap<>();
    private final Map<String, TlsContexts.Options> tlsOptions = new ConcurrentHashMap<>();
    private final TlsContexts tlsContexts = new TlsContexts();
    private final ListenerSettings edge;
    private final BodySpool bodies;
    private EventLoopGroup workers;

    public GatewayNettyHttpComponent(ListenerSettings edge, BodySpool bodies) {
        this.edge = edge;
        this.bodies = bodies;
    }

    /** Where large request bodies wait while they are routed (shared by every listener). */
    public BodySpool bodySpool() {
        return bodies;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        TlsContexts.Options tls = TlsContexts.Options.take(parameters);
        NettyHttpEndpoint endpoint = (NettyHttpEndpoint) super.createEndpoint(uri, remaining, parameters);
        if (tls != null) {
            endpoint.getConfiguration().setSsl(true);
            // per port, as the listener is: a route reload on a bound port keeps the TLS it was bound with
            tlsOptions.put(endpoint.getConfiguration().getAddress(), tls);
        }
        if (endpoint.getHttpMethodRestrict() == null) {
            endpoint.setHttpMethodRestrict(ROUTED_METHODS);
        }
        return endpoint;
    }

    @Override
    protected HttpServerBootstrapFactory getOrCreateHttpNettyServerBootstrapFactory(NettyHttpConsumer consumer) {
        if (consumer.getConfiguration().getWorkerGroup() == null) {
            consumer.getConfiguration().setWorkerGroup(workers(consumer.getConfiguration()));
        }
        return listeners.computeIfAbsent(consumer.getConfiguration().getAddress(), address -> {
            HttpServerBootstrapFactory factory = new HttpServerBootstrapFactory(
                    getMultiplexChannelHandler(consumer.getConfiguration().getPort())) {
                @Override
                public void stop() {
                    // during a reload the old routes' consumers leave before the new ones arrive: keep the port
                    if (!edge.reloadGate().isHolding()) {
                        super.stop();
                    }
                }
            };
            factory.init(getCamelContext(), consumer.getConfiguration(),
                    new GatewayServerInitializerFactory(consumer, edge, bodies, tls(consumer.getConfiguration())));
            return factory;
        });
    }

    private TlsContexts.ListenerTls tls(NettyHttpConfiguration configuration) {
        if (!configuration.isSsl() || configuration.getSslHandler() != null) {
            return null; // plaintext, or the user's own handler, which Camel adds
        }
        try {
            return tlsContexts.forListener(getCamelContext(), configuration,
                    tlsOptions.get(configuration.getAddress()), edge.headerTimeout().toMillis());
        } catch (Exception e) {
            throw new IllegalArgumentException("TLS listener on " + configuration.getAddress() + ": " + e.getMessage(), e);
        }
    }

    /** Each port's dispatcher to its consumers: Camel's, with a shortcut for a single catch-all listener. */
    @Override
    public HttpServerConsumerChannelFactory getMultiplexChannelHandler(int port) {
        return dispatchers.computeIfAbsent(port, p -> {
            GatewayMultiplexChannelHandler dispatcher = new GatewayMultiplexChannelHandler();
            dispatcher.init(p);
            return dispatcher;
        });
    }

    /**
     * The listeners' event loops, on Netty's own thread type. camel-netty's builder makes plain threads, on which
     * every Netty thread-local (the buffer pool's cache, object recyclers, promise state) is a lookup in the
     * JDK's thread-local map instead of an array index (JFR on /fast: ThreadLocal.get 3.7% of the samples, 0.7% with
     * these threads). Shared by every listener, and kept across route reloads; shut down with the component.
     */
    private synchronized EventLoopGroup workers(NettyHttpConfiguration configuration) {
        if (workers == null) {
            workers = NativeTransport.eventLoops(configuration.isNativeTransport(), configuration.getWorkerCount(),
                    new DefaultThreadFactory("gateway-io", false));
        }
        return workers;
    }

    /**
     * Waits until requests that passed the edge before the reload gate closed have reached their route. Routes run
     * on Camel's executor group, so such a request can still be queued there: once it is an exchange, removing
     * the old routes waits for it; before that, it would meet a stopped consumer (a bare 503 and a closed
     * connection). A no-op task behind every queue is that barrier.
     */
    private void awaitAdmittedRequests(Duration timeout) {
        EventExecutorGroup group = getExecutorService();
        if (group == null) {
            return; // routes run on the event loop, in the same call that passed the edge
        }
        List<Future<?>> barriers = new ArrayList<>();
        for (EventExecutor executor : group) {
            barriers.add(executor.submit(() -> {
            }));
        }
        for (Future<?> barrier : barriers) {
            barrier.awaitUninterruptibly(timeout.toMillis());
        }
    }

    /** Held new requests, released on {@link #close()}. */
    @FunctionalInterface
    public interface Hold extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Holds new requests at the edge (connections stop reading; ports stay bound) and waits, at most
     * {@code timeout} for each step, until the requests already admitted have reached their routes: then the route
     * set can be swapped without any request meeting a moment with no routes. Closing the hold lets the held
     * requests go on, in order.
     */
    public Hold holdNewRequests(Duration timeout) throws InterruptedException {
        ReloadGate gate = edge.reloadGate();
        gate.hold();
        try {
            gate.awaitAdmissions(timeout);
            awaitAdmittedRequests(timeout);
        } catch (InterruptedException | RuntimeException e) {
            gate.release();
            throw e;
        }
        return gate::release;
    }

    /** After a reload: a port no route listens on any more is closed. */
    public void stopUnusedListeners() {
        listeners.values().forEach(HttpServerBootstrapFactory::stop);
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        // registered by the component Camel actually uses (the bean method that makes it may run more than once)
        MeterRegistry metrics = getCamelContext().getRegistry().lookupByNameAndType("metricsRegistry", MeterRegistry.class);
        if (metrics != null) {
            Gauge.builder("gateway.body.spool", bodies, BodySpool::bytesOnDisk).baseUnit("bytes")
                    .description("Bytes of request bodies buffered on disk (or reserved for bodies still arriving)")
                    .register(metrics);
        }
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        ServiceHelper.stopService(listeners.values());
        listeners.clear();
        dispatchers.clear();
        synchronized (this) {
            if (workers != null) {
                workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
                workers = null;
            }
        }
    }
}
