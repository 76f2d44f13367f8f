package org.camelgateway.config;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.main.Main;
import org.camelgateway.errors.Causes;
import org.camelgateway.reload.RouteSetCheck;
import org.camelgateway.reload.RoutesValidator;

/**
 * Makes gateways: a Camel {@link Main} with {@link GatewayConfiguration} and the options as override properties,
 * for the command line and for tests that boot the real thing in-process.
 */
public final class GatewayMain {

    /** Checks a routes folder by building it in a gateway of its own, as every reload and {@code --validate} do. */
    public static final RoutesValidator VALIDATOR = new RoutesValidator(GatewayMain::forValidation);

    private GatewayMain() {
    }

    /** A gateway ready to start. */
    public static Main create(GatewayOptions options) {
        // no main class: Camel would package-scan org.camelgateway and build GatewayConfiguration a second time
        Main main = new Main();
        main.configure().addConfiguration(GatewayConfiguration.class);
        options.properties().forEach(main::addOverrideProperty);
        // the reloader finds its check here rather than calling up to this factory
        main.bind(RouteSetCheck.REGISTRY_NAME, VALIDATOR);
        return main;
    }

    private static Main forValidation(Path dir) {
        try {
            return create(GatewayOptions.parse(new String[] {"--routes", dir.toString(), "--port", "0",
                "--management-port", "0"}, Map.of()));
        } catch (GatewayOptions.UsageException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A gateway started in-process, and the ports it listens on. */
    public record Started(Main main, int port, int managementPort) {
    }

    /**
     * Starts a gateway with the routes in {@code routes} and {@code properties} on free ports, for the training run
     * and for tests. A port found free can be taken (the gateway's own backend connections among the takers) before
     * the listener binds it: then the start is tried again on new ports, three times in all.
     */
    public static Started startOnFreePorts(Path routes, Map<String, String> properties) throws Exception {
        for (int attempt = 1;; attempt++) {
            int port = freePort();
            int managementPort = freePort();
            Main main = create(GatewayOptions.parse(new String[] {
                "--routes", routes.toString(), "--port", Integer.toString(port),
                "--management-port", Integer.toString(managementPort)}, Map.of()));
            properties.forEach(main::addOverrideProperty);
            try {
                main.start();
                return new Started(main, port, managementPort);
            } catch (RuntimeException e) {
                main.stop();
                if (attempt == 3 || Causes.find(e, BindException.class) == null) {
                    throw e;
                }
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
