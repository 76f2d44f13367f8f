package org.camelgateway.support;

import org.camelgateway.config.GatewayMain;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/** The real gateway, booted in-process the way the jar boots it, on free loopback ports. */
public final class GatewayUnderTest implements AutoCloseable {

    private final Main main;
    private final int port;
    private final int managementPort;

    private GatewayUnderTest(Main main, int port, int managementPort) {
        this.main = main;
        this.port = port;
        this.managementPort = managementPort;
    }

    /**
     * Starts the gateway with the routes in {@code src/test/resources/routes/<scenario>} and extra properties
     * (backend URLs and overrides).
     */
    public static GatewayUnderTest start(String scenario, Map<String, String> properties) throws Exception {
        return start(Path.of("src/test/resources/routes", scenario), properties);
    }

    /** Starts the gateway with the routes in {@code routes}, e.g. the shipped {@code routes/} folder. */
    public static GatewayUnderTest start(Path routes, Map<String, String> properties) throws Exception {
        GatewayMain.Started started = GatewayMain.startOnFreePorts(routes, properties);
        return new GatewayUnderTest(started.main(), started.port(), started.managementPort());
    }

    public int port() {
        return port;
    }

    public int managementPort() {
        return managementPort;
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** The management port's Prometheus text. */
    public String metrics() throws IOException {
        try (RawHttp http = new RawHttp(managementPort)) {
            return http.exchange("GET /metrics HTTP/1.1\r\nHost: x").bodyText();
        }
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public Main main() {
        return main;
    }

    @Override
    public void close() {
        main.stop();
    }
}
