package org.camelgateway.proxy;

import java.util.Map;

import org.apache.camel.Endpoint;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;

/**
 * camel-http with proxy defaults for the two options that exist only per endpoint: {@code bridgeEndpoint=true}
 * (the client's path and raw query are appended to the backend URI, and query parameters are not sent as headers)
 * and {@code throwExceptionOnFailure=false} (a backend's 4xx/5xx goes to the client as it is). A route that sets
 * either option in its URI keeps its own value.
 */
public class GatewayHttpComponent extends HttpComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        boolean bridgeGiven = parameters.containsKey("bridgeEndpoint");
        boolean throwGiven = parameters.containsKey("throwExceptionOnFailure");
        HttpEndpoint endpoint = (HttpEndpoint) super.createEndpoint(uri, remaining, parameters);
        if (!bridgeGiven) {
            endpoint.setBridgeEndpoint(true);
        }
        if (!throwGiven) {
            endpoint.setThrowExceptionOnFailure(false);
        }
        return endpoint;
    }
}
