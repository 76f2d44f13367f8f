package org.camelgateway.headers;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.ObjectHelper;

/**
 * A request's headers as they cross the gateway: from the client's request into the exchange, and from the exchange
 * into the request a backend receives ({@link HeaderRules} decides which).
 */
public final class RequestHeaders {

    private RequestHeaders() {
    }

    /**
     * Copies every end-to-end header of a client's request once, repeated lines joined as RFC 9110 5.3 allows. One
     * pass over Netty's entries, where a set of names, a lower-cased copy of each and a list of values per name were
     * built for every request. Values are never split at commas, and one value per name is what camel-http then
     * sends as one line (a list would go out as {@code [a, b]}).
     */
    public static void copyEndToEnd(HttpHeaders from, Map<String, Object> to) {
        Set<String> named = from.contains(HttpHeaderNames.CONNECTION)
                ? HeaderRules.connectionNamed(from.getAll(HttpHeaderNames.CONNECTION)) : Set.of();
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = from.iteratorCharSequence(); it.hasNext();) {
            Map.Entry<CharSequence, CharSequence> header = it.next();
            String name = header.getKey().toString();
            if (HeaderRules.isHopByHop(name, named) || HeaderRules.isCamelInternal(name)) {
                continue;
            }
            String value = header.getValue().toString();
            String key = "content-type".equalsIgnoreCase(name) ? Exchange.CONTENT_TYPE : name;
            // the map ignores case, as HTTP does: a repeat in another spelling joins the first one's value
            Object earlier = to.get(key);
            to.put(key, earlier == null ? value : earlier + HeaderRules.joiner(name) + value);
        }
    }

    /**
     * Adds the exchange's headers that {@code filter} lets out to a backend's request, each value as one line
     * ({@link HeaderRules#oneLine}) and a list as one line per value, as camel-http sends them.
     */
    public static void copyToBackend(Map<String, Object> from, HeaderFilterStrategy filter, HttpHeaders to,
            Exchange exchange) {
        for (Map.Entry<String, Object> header : from.entrySet()) {
            Object value = header.getValue();
            if (value == null) {
                continue;
            }
            if (value instanceof String || value instanceof Number || value instanceof Boolean) {
                addUnlessFiltered(to, filter, header.getKey(), value.toString(), exchange);
                continue;
            }
            // Camel's own non-text headers (the listener's socket addresses on every request) are dropped by name:
            // turning them into text first, as camel-http does, was a tenth of the bytes allocated per request
            if (filter.applyFilterToCamelHeaders(header.getKey(), value, exchange)) {
                continue;
            }
            for (Iterator<?> it = ObjectHelper.createIterator(value, null, true); it.hasNext();) {
                String text = exchange.getContext().getTypeConverter().convertTo(String.class, exchange, it.next());
                if (text != null) {
                    addUnlessFiltered(to, filter, header.getKey(), text, exchange);
                }
            }
        }
    }

    private static void addUnlessFiltered(HttpHeaders headers, HeaderFilterStrategy filter, String name, String value,
            Exchange exchange) {
        if (!filter.applyFilterToCamelHeaders(name, value, exchange)) {
            headers.add(name, HeaderRules.oneLine(value));
        }
    }
}
