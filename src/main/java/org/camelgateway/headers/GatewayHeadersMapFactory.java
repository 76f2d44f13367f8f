package org.camelgateway.headers;

import java.util.Map;

import org.apache.camel.spi.HeadersMapFactory;

/**
 * Gives every Camel message a {@link HeadersMap}. Camel finds it through
 * {@code META-INF/services/org/apache/camel/headers-map-factory}, the extension point camel-headersmap uses, so
 * every context in this jar has it: the gateway's and a route test's alike.
 */
public final class GatewayHeadersMapFactory implements HeadersMapFactory {

    @Override
    public Map<String, Object> newMap() {
        return new HeadersMap();
    }

    @Override
    public Map<String, Object> newMap(Map<String, Object> map) {
        return new HeadersMap(map);
    }

    @Override
    public boolean isInstanceOf(Map<String, Object> map) {
        return map instanceof HeadersMap;
    }

    @Override
    public boolean isCaseInsensitive() {
        return true;
    }
}
