package org.camelgateway.proxy;

import java.net.InetSocketAddress;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.NettyHttpMessage;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.util.CaseInsensitiveMap;

/**
 * Adds what a backend needs to know about the original request, as nginx's usual {@code proxy_set_header}
 * lines do: {@code X-Forwarded-For} (appended), {@code -Proto}, {@code -Host} (the client's Host) and
 * {@code -Port}, and an {@code X-Request-Id} when the client sent none.
 *
 * <p>A route policy because it must run for every route a user writes, once per request, after the listener has
 * set the socket addresses and before the first step can route on them.
 */
public final class ForwardedHeaders extends RoutePolicySupport {

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        Message in = exchange.getIn();
        if (!(in instanceof NettyHttpMessage) || exchange.getProperty(GatewayExchange.REQUEST_ID) != null) {
            return; // not from the listener, or a sub-route of a request already seen
        }
        InetSocketAddress peer = in.getHeader(NettyConstants.NETTY_REMOTE_ADDRESS, InetSocketAddress.class);
        InetSocketAddress local = in.getHeader(NettyConstants.NETTY_LOCAL_ADDRESS, InetSocketAddress.class);
        if (peer != null) {
            String client = peer.getAddress().getHostAddress();
            in.setHeader(GatewayExchange.CLIENT_IP_HEADER, client);
            String forwardedFor = in.getHeader("X-Forwarded-For", String.class);
            in.setHeader("X-Forwarded-For", forwardedFor == null ? client : forwardedFor + ", " + client);
        }
        in.setHeader("X-Forwarded-Proto", in.getHeader(Exchange.HTTP_SCHEME, "http", String.class));
        String host = in.getHeader("Host", String.class);
        if (host != null) {
            in.setHeader("X-Forwarded-Host", host);
        }
        if (local != null) {
            in.setHeader("X-Forwarded-Port", Integer.toString(local.getPort()));
        }

        String id = in.getHeader(GatewayExchange.REQUEST_ID_HEADER, String.class);
        if (!GatewayExchange.isAcceptableRequestId(id)) {
            id = GatewayExchange.newRequestId();
            in.setHeader(GatewayExchange.REQUEST_ID_HEADER, id);
        }
        exchange.setProperty(GatewayExchange.REQUEST_ID, id);
        Map<String, Object> snapshot = new CaseInsensitiveMap(in.getHeaders());
        exchange.setProperty(GatewayExchange.REQUEST_HEADERS, snapshot);
    }
}
