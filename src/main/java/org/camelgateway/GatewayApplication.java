package org.camelgateway;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;

import org.apache.camel.main.Main;
import org.camelgateway.config.GatewayConfiguration;
import org.camelgateway.config.GatewayOptions;
import org.camelgateway.config.RoutesValidator;
import org.camelgateway.ops.GracefulDrain;
import org.camelgateway.ops.TrainingRun;
import org.camelgateway.proxy.Causes;

/** Starts the gateway: options from the command line and environment, everything else from Camel Main. */
public final class GatewayApplication {

    private GatewayApplication() {
    }

    public static void main(String[] args) throws Exception {
        GatewayOptions options;
        try {
            options = GatewayOptions.parse(args, System.getenv());
        } catch (GatewayOptions.UsageException e) {
            System.err.println("camel-gateway: " + e.getMessage());
            System.err.println(GatewayOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(GatewayOptions.USAGE);
            return;
        }
        if (options.trainingRun()) {
            System.exit(TrainingRun.run(System.out, System.err));
        }
        if (options.validate() != null) {
            System.exit(RoutesValidator.report(options.validate(), System.out, System.err));
        }
        Main main = create(options);
        GracefulDrain.install(main);
        try {
            main.run();
        } catch (Exception e) {
            // e.g. the port is taken: Netty's threads would otherwise keep a gateway with no routes alive
            System.err.println("camel-gateway: failed to start: " + e.getMessage());
            System.exit(1);
        }
        System.exit(main.getExitCode());
    }

    /** A gateway ready to start, for the command line and for tests that boot the real thing in-process. */
    public static Main create(GatewayOptions options) {
        // no main class: Camel would package-scan org.camelgateway and build GatewayConfiguration a second time
        Main main = new Main();
        main.configure().addConfiguration(GatewayConfiguration.class);
        options.properties().forEach(main::addOverrideProperty);
        return main;
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
