package org.camelgateway.headers;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * The Camel side of the one header policy ({@link HeaderRules}), set on both the netty-http consumer and the http
 * producer: one instance, shared by the listener's binding and both backend clients.
 *
 * <p>Camel's stock strategies drop {@code Cache-Control}, {@code Date}, {@code Pragma}, {@code Via} and
 * {@code Warning}, which a proxy must pass through, and compare {@code Camel*} case-sensitively in some
 * versions (CVE-2025-27636). This one only removes what a proxy must never forward: Camel's own headers in any
 * letter case, hop-by-hop headers (RFC 9110 7.6.1) and the framing headers that the next hop recomputes.
 */
public final class GatewayHeaderFilterStrategy implements HeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        // every header of every request and response passes here: compared ignoring case, without a lower-case copy
        return HeaderRules.isCamelInternal(headerName) || HeaderRules.isOutgoingOnly(headerName);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        // Hop-by-hop headers from a backend are let in here: the consumer binding removes them together with
        // the headers that Connection names, which a per-header filter cannot see.
        return HeaderRules.isCamelInternal(headerName);
    }
}
