package org.camelgateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line and its environment variables, turned into the properties the gateway runs on. A flag wins
 * over its environment variable, which wins over the default.
 */
public record GatewayOptions(boolean help, boolean trainingRun, Path validate, Path routes, int port,
        int managementPort) {

    public static final String USAGE = """
            Usage: java -jar camel-gateway.jar [options]

              --routes DIR            folder of Camel YAML routes (*.yaml)   env GATEWAY_ROUTES           default routes
              --port N                traffic port, property gateway.port    env GATEWAY_PORT             default 8080
              --management-port N     metrics, health and probes             env GATEWAY_MANAGEMENT_PORT  default 8081
              --validate DIR          check a routes folder without serving; exit 0 if valid, 1 with
                                      file:line errors if not
              --training-run          serve built-in routes on loopback ports, send requests through them,
                                      check the answers and exit: 0 if all as expected, 3 if not; for
                                      a class-data archive (-XX:ArchiveClassesAtExit) or AOT cache
              --help                  print this help and exit

            Any Camel or gateway property can also be given as a JVM system property, e.g.
              -Dgateway.max-body-size=1048576 -Dcamel.component.http.responseTimeout=30000""";

    /** A problem with the command line; the gateway prints it with the usage and exits 2. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    public static GatewayOptions parse(String[] args, Map<String, String> env) throws UsageException {
        String routes = env.getOrDefault("GATEWAY_ROUTES", "routes");
        String port = env.getOrDefault("GATEWAY_PORT", "8080");
        String managementPort = env.getOrDefault("GATEWAY_MANAGEMENT_PORT", "8081");
        boolean help = false;
        boolean trainingRun = false;
        String validate = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--training-run" -> trainingRun = true;
                case "--routes", "--port", "--management-port", "--validate" -> {
                    String value;
                    if (arg.contains("=")) {
                        value = arg.substring(arg.indexOf('=') + 1);
                    } else if (i + 1 < args.length) {
                        value = args[++i];
                    } else {
                        throw new UsageException(name + " needs a value");
                    }
                    switch (name) {
                        case "--routes" -> routes = value;
                        case "--port" -> port = value;
                        case "--validate" -> validate = value;
                        default -> managementPort = value;
                    }
                }
                default -> throw new UsageException("unknown option: " + arg);
            }
        }
        if (help) {
            return new GatewayOptions(true, false, null, Path.of(routes), 0, 0);
        }
        if (trainingRun) {
            return new GatewayOptions(false, true, null, Path.of(routes), 0, 0);
        }
        if (validate != null) {
            Path dir = Path.of(validate).toAbsolutePath().normalize();
            if (!Files.isDirectory(dir)) {
                throw new UsageException("routes folder not found: " + dir);
            }
            return new GatewayOptions(false, false, dir, dir, 0, 0);
        }
        Path routesDir = Path.of(routes).toAbsolutePath().normalize();
        if (!Files.isDirectory(routesDir)) {
            throw new UsageException("routes folder not found: " + routesDir);
        }
        return new GatewayOptions(false, false, null, routesDir, port("--port", port),
                port("--management-port", managementPort));
    }

    private static int port(String flag, String value) throws UsageException {
        try {
            int p = Integer.parseInt(value.trim());
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new UsageException(flag + " must be a port number (0-65535), not '" + value + "'");
    }

    /** The properties these options set, on top of {@code application.properties}. */
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("gateway.port", Integer.toString(port));
        p.put("gateway.management.port", Integer.toString(managementPort));
        p.put("gateway.routes", routes.toString());
        // only *.yaml directly in the folder: a ConfigMap mount's ..data and other sub-folders are not read
        p.put("camel.main.routesIncludePattern", "file:" + routes + "/*.yaml");
        return p;
    }
}
