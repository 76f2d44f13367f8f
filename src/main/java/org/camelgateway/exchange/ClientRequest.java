package org.camelgateway.exchange;

import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

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
    private Object[] headerValues;
    private Set<Object> headerValueSet;

    public ClientRequest(long bytes) {
        this.bytes = bytes;
    }

    /** The request of this exchange, or null if the listener never admitted one (an exchange of another kind). */
    public static ClientRequest of(Exchange exchange) {
        return exchange.getProperty(GatewayExchange.REQUEST, ClientRequest.class);
    }

    public void admitted(String method, Object body, boolean http10) {
        this.method = method;
        this.body = body;
        this.http10 = http10;
    }

    public void path(String path) {
        this.path = path;
    }

    /** The values of the request's headers as routing began, so that none of them is echoed to the client. */
    public void headerValues(Object[] values) {
        this.headerValues = values;
        this.headerValueSet = null;
    }

    /**
     * Whether a response header's value is one of the request's (the same object): a route that answered itself
     * left the request's headers on the message. A scan for the usual few dozen; an identity set beyond, so that
     * a request of a thousand tiny headers cannot make this quadratic.
     */
    public boolean sentHeaderValue(Object value) {
        Object[] values = headerValues;
        if (values == null) {
            return false;
        }
        if (values.length <= 32) {
            for (Object v : values) {
                if (v == value) {
                    return true;
                }
            }
            return false;
        }
        if (headerValueSet == null) {
            headerValueSet = Collections.newSetFromMap(new IdentityHashMap<>(values.length * 2));
            headerValueSet.addAll(Arrays.asList(values));
        }
        return headerValueSet.contains(value);
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
    public Object body() {
        return body;
    }

    /** Such a client cannot take a chunked response. */
    public boolean http10() {
        return http10;
    }
}
