package org.camelgateway;

import java.util.Map;


/**
 * Every proxy guarantee of {@link ProxyCorrectnessIT} again with backend calls through camel-http
 * ({@code gateway.backend-client=http}), the path endpoints with options BackendClient does not implement take: the
 * two clients must be indistinguishable to clients and backends.
 */
class ProxyCorrectnessCamelHttpIT extends ProxyCorrectnessIT {

    @Override
    Map<String, String> extraProperties() {
        return Map.of("gateway.backend-client", "http");
    }
}
