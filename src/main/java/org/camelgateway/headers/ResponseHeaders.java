package org.camelgateway.headers;

import org.camelgateway.exchange.ClientRequest;
import org.camelgateway.exchange.GatewayExchange;
import org.camelgateway.exchange.RequestIds;

import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.netty.handler.codec.http.HttpHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.http.common.HttpHelper;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.util.IOHelper;

/**
 * A response's headers as they cross the gateway: from a backend's response into the exchange, and from the
 * exchange into the response the client receives ({@link HeaderRules} decides which).
 */
public final class ResponseHeaders {

    private ResponseHeaders() {
    }

    /**
     * A backend's response headers as camel-http puts them on the message: those {@code filter} lets in, repeated
     * lines as a list, {@code Content-Type} under Camel's name with its charset as the exchange's. Hop-by-hop headers
     * stay until {@link #cleanForClient}, which also sees the ones {@code Connection} names.
     */
    public static Map<String, Object> fromBackend(HttpHeaders response, HeaderFilterStrategy filter,
            Exchange exchange) {
        Map<String, Object> headers = exchange.getContext().getCamelContextExtension().getHeadersMapFactory().newMap();
        boolean typeSeen = false;
        for (Map.Entry<String, String> header : response) {
            String name = header.getKey();
            String value = header.getValue();
            if (!typeSeen && "content-type".equalsIgnoreCase(name)) {
                name = Exchange.CONTENT_TYPE;
                exchange.setProperty(ExchangePropertyKey.CHARSET_NAME, IOHelper.getCharsetNameFromContentType(value));
                typeSeen = true;
            }
            Object extracted = HttpHelper.extractHttpParameterValue(value);
            if (!filter.applyFilterToExternalHeaders(name, extracted, exchange)) {
                HttpHelper.appendHeader(headers, name, extracted);
            }
        }
        return headers;
    }

    /**
     * Readies the message's headers for the client: removes request headers still on it (a route that answered
     * without a backend would otherwise echo them), hop-by-hop headers and those named in {@code Connection}, and
     * adds {@code X-Request-Id} (and {@code X-Gateway-Route} if {@code exposeRoute}).
     *
     * @return the backend's {@code Content-Length}, which only matters where the response has no body to measure
     *         (HEAD, 304) or a body still to be relayed
     */
    public static String cleanForClient(Exchange exchange, ClientRequest client, Message message, boolean exposeRoute) {
        Map<String, Object> headers = message.getHeaders();
        Set<String> named = HeaderRules.connectionNamed(connectionValues(headers.get("Connection")));
        Object length = headers.get(Exchange.CONTENT_LENGTH);

        for (Iterator<Map.Entry<String, Object>> it = headers.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Object> header = it.next();
            String name = header.getKey();
            // Camel's own headers (the response code among them) never reach the client and are not echoes
            boolean echoed = client != null && !HeaderRules.isCamelInternal(name)
                    && client.sentHeaderValue(header.getValue());
            if (echoed || HeaderRules.isHopByHop(name, named) || "content-length".equalsIgnoreCase(name)) {
                it.remove();
            }
        }
        headers.put(GatewayExchange.REQUEST_ID_HEADER, RequestIds.of(exchange));
        String route = exchange.getProperty(GatewayExchange.BACKEND_ROUTE, String.class);
        if (exposeRoute && route != null) {
            headers.put(GatewayExchange.ROUTE_HEADER, route);
        }
        return length != null ? length.toString().trim() : null;
    }

    @SuppressWarnings("unchecked")
    private static List<String> connectionValues(Object value) {
        if (value == null) {
            return null;
        }
        return value instanceof List ? (List<String>) value : List.of(value.toString());
    }
}
