package org.camelgateway.proxy;

import org.apache.camel.Exchange;

/**
 * What the listener saw of the client's request, kept apart from the message that a route or a backend may
 * replace. One exchange property rather than one per fact: Camel keeps custom properties in a map sized for
 * twelve, and a property each made that map grow on every request (2% of the CPU at full load).
 */
public final class ClientRequest {

    private final long bytes;
    private String method;
    private String path;
    private Object body;
    private boolean http10;

    ClientRequest(long bytes) {
        this.bytes = bytes;
    }

    /** The request of this exchange, or null if the listener never admitted one (an exchange of another kind). */
    public static ClientRequest of(Exchange exchange) {
        return exchange.getProperty(GatewayExchange.REQUEST, ClientRequest.class);
    }

    void admitted(String method, Object body, boolean http10) {
        this.method = method;
        this.body = body;
        this.http10 = http10;
    }

    void path(String path) {
        this.path = path;
    }

    public String method() {
        return method;
    }

    /** The raw path as routed. */
    public String path() {
        return path;
    }

    /** The size of the body as received. */
    public long bytes() {
        return bytes;
    }

    /** The body the listener created, compared by identity to detect that no route answered. */
    Object body() {
        return body;
    }

    /** Such a client cannot take a chunked response. */
    boolean http10() {
        return http10;
    }
}
