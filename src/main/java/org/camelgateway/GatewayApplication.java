package org.camelgateway;

import org.apache.camel.main.Main;
import org.camelgateway.config.GatewayConfiguration;
import org.camelgateway.config.GatewayOptions;
import org.camelgateway.config.RoutesValidator;
import org.camelgateway.ops.GracefulDrain;
import org.camelgateway.ops.TrainingRun;

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
}
