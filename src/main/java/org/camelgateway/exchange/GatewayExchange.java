package org.camelgateway.exchange;

import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.Exchange;

/** Names of what the gateway keeps on an exchange, and the request id that ties logs, errors and backends. */
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

    /** The exchange's request id, created if routing never started (a failure before the first step). */
    public static String requestId(Exchange exchange) {
        String id = exchange.getProperty(REQUEST_ID, String.class);
        if (id == null) {
            id = newRequestId();
            exchange.setProperty(REQUEST_ID, id);
        }
        return id;
    }

    /** 128 random bits in hex; ThreadLocalRandom because SecureRandom contends under load and ids are not secrets. */
    public static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] id = new char[32];
        hex(r.nextLong(), id, 0);
        hex(r.nextLong(), id, 16);
        return new String(id);
    }

    private static void hex(long v, char[] out, int offset) {
        for (int i = 15; i >= 0; i--) {
            out[offset + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The client's request id if it sent an acceptable one, else a new one. */
    public static String requestIdFrom(String clientValue) {
        return isAcceptableRequestId(clientValue) ? clientValue : newRequestId();
    }

    /** A client-supplied id is kept only if it is short and plain, so it is safe in logs and JSON. */
    static boolean isAcceptableRequestId(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_' && c != '.' && c != ':') {
                return false;
            }
        }
        return true;
    }
}
