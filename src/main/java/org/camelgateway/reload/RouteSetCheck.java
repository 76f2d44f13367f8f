package org.camelgateway.reload;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

/**
 * Judges a routes folder as a whole before it replaces the running routes. Bound in the registry by whoever makes
 * the gateway, so the reloader needs no way to make a gateway itself.
 */
@FunctionalInterface
public interface RouteSetCheck {

    String REGISTRY_NAME = "gatewayRouteSetCheck";

    /** The problems found, each as {@code file:line: message}; empty when the folder may be loaded. */
    List<String> problems(Path dir, Properties live) throws IOException;
}
