package org.camelgateway;

import org.apache.camel.main.Main;
import org.camelgateway.config.GatewayMain;
import org.camelgateway.config.GatewayOptions;
import org.camelgateway.management.GracefulDrain;

/** The command line: runs the gateway, {@code --validate} or {@code --training-run}. Nothing imports this class. */
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
            System.exit(GatewayMain.VALIDATOR.report(options.validate(), System.out, System.err));
        }
        Main main = GatewayMain.create(options);
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
}
