package org.camelgateway.management;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management port: {@code /metrics} (Prometheus text), {@code /health/live} and {@code /health/ready}. Kept off
 * the traffic port so probes and scrapes never compete with, or get routed like, client requests. A small JDK
 * server on two threads: it serves a scrape every few seconds, not traffic.
 */
public final class ManagementServer extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

    private final String host;
    private final int port;
    private final HealthState state;
    private final PrometheusMeterRegistry registry;
    private HttpServer server;

    public ManagementServer(String host, int port, HealthState state, PrometheusMeterRegistry registry) {
        this.host = host;
        this.port = port;
        this.state = state;
        this.registry = registry;
    }

    @Override
    protected void doStart() throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 50);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "gateway-management");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4; charset=utf-8",
                registry.scrape()));
        server.createContext("/health/live", ex -> status(ex, state.isAlive()));
        server.createContext("/health/ready", ex -> status(ex, state.isReady()));
        server.createContext("/", ex -> respond(ex, 404, "text/plain", "not found\n"));
        server.start();
        LOG.info("Management endpoints on http://{}:{}/ (metrics, health/live, health/ready)", host,
                server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    protected void doStop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static void status(HttpExchange ex, boolean up) throws IOException {
        respond(ex, up ? 200 : 503, "application/json", up ? "{\"status\":\"UP\"}\n" : "{\"status\":\"DOWN\"}\n");
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        boolean head = "HEAD".equals(ex.getRequestMethod());
        ex.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
        ex.close();
    }
}
