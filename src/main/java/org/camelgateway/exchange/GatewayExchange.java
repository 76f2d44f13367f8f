package org.camelgateway.exchange;

/** Names of what the gateway keeps on an exchange, in the style of Camel's {@code Exchange.HTTP_URI} constants. */
public final class GatewayExchange {

    /** Exchange property: the {@link ClientRequest}, what the listener saw of the request. */
    public static final String REQUEST = "GatewayRequest";
    /** Exchange property: the client's address (see ForwardedHeadersRoutePolicy), kept for the access log. */
    public static final String CLIENT_IP = "GatewayClientIp";
    /** Exchange property: the request id. */
    public static final String REQUEST_ID = "GatewayRequestId";
    /** Exchange property: the client's Netty channel, to which a large response body is relayed as it streams. */
    public static final String CHANNEL = "GatewayChannel";
    /** Exchange property: the id of the route that made the last backend call. */
    public static final String BACKEND_ROUTE = "GatewayBackendRoute";
    /** Exchange property: the id of the last backend step ({@code to} with an {@code id}). */
    public static final String BACKEND_STEP = "GatewayBackendStep";

    /**
     * Exchange property: the target of a call camel-http makes, where it holds a {@code ~} that camel-http would
     * escape (see {@link BackendTargetActivityListener}).
     */
    public static final String BACKEND_TARGET = "GatewayBackendTarget";

    /** Response header naming the route that answered, when {@code gateway.expose-route} is on. */
    public static final String ROUTE_HEADER = "X-Gateway-Route";

    /** Exchange property: how many pool members a request was sent to. */
    public static final String ATTEMPTS = "GatewayAttempts";

    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    /**
     * Message header with the client's address for routing predicates. Its {@code Camel} prefix means a client
     * cannot send it (inbound {@code Camel*} headers are dropped) and it never leaves the gateway.
     */
    public static final String CLIENT_IP_HEADER = "CamelGatewayClientIp";

    private GatewayExchange() {
    }
}
