package org.camelgateway.headers;

import org.camelgateway.exchange.ClientRequest;
import org.camelgateway.exchange.GatewayExchange;
import org.camelgateway.exchange.RequestIds;

import java.net.InetSocketAddress;

import io.netty.channel.ChannelHandlerContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Route;
import org.apache.camel.component.netty.NettyConstants;
import org.apache.camel.component.netty.http.NettyHttpMessage;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Adds what a backend needs to know about the original request, as nginx's usual {@code proxy_set_header}
 * lines do: {@code X-Forwarded-For} (appended), {@code -Proto}, {@code -Host} (the client's Host) and
 * {@code -Port}, and an {@code X-Request-Id} when the client sent none. It also settles the client's address
 * (the socket peer, or the first untrusted hop of {@code X-Forwarded-For} behind trusted proxies) for routing
 * predicates and the access log.
 *
 * <p>A route policy because it must run for every route a user writes, once per request, after the listener has
 * set the socket addresses and before the first step can route on them.
 */
public final class ForwardedHeadersRoutePolicy extends RoutePolicySupport {

    private final TrustedProxies trusted;

    public ForwardedHeadersRoutePolicy(TrustedProxies trusted) {
        this.trusted = trusted;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        Message in = exchange.getIn();
        if (!(in instanceof NettyHttpMessage) || exchange.getProperty(GatewayExchange.REQUEST_ID) != null) {
            return; // not from the listener, or a sub-route of a request already seen
        }
        InetSocketAddress peer = in.getHeader(NettyConstants.NETTY_REMOTE_ADDRESS, InetSocketAddress.class);
        InetSocketAddress local = in.getHeader(NettyConstants.NETTY_LOCAL_ADDRESS, InetSocketAddress.class);
        String peerAddress = peer != null ? peer.getAddress().getHostAddress() : null;
        String forwardedFor = in.getHeader("X-Forwarded-For", String.class);
        String client = trusted.clientAddress(peerAddress, forwardedFor);
        in.setHeader(GatewayExchange.CLIENT_IP_HEADER, client);
        exchange.setProperty(GatewayExchange.CLIENT_IP, client);
        if (peerAddress != null) {
            in.setHeader("X-Forwarded-For", forwardedFor == null ? peerAddress : forwardedFor + ", " + peerAddress);
        }
        // a trusted proxy in front already described the original request; anyone else's claims are replaced
        boolean keep = trusted.isTrusted(peerAddress);
        setUnlessKept(in, keep, "X-Forwarded-Proto", in.getHeader(Exchange.HTTP_SCHEME, "http", String.class));
        setUnlessKept(in, keep, "X-Forwarded-Host", in.getHeader("Host", String.class));
        setUnlessKept(in, keep, "X-Forwarded-Port", local != null ? Integer.toString(local.getPort()) : null);

        String id = RequestIds.fromClient(in.getHeader(GatewayExchange.REQUEST_ID_HEADER, String.class));
        in.setHeader(GatewayExchange.REQUEST_ID_HEADER, id);
        exchange.setProperty(GatewayExchange.REQUEST_ID, id);
        ClientRequest request = ClientRequest.of(exchange);
        if (request != null) {
            request.headerValues(in.getHeaders().values().toArray());
        }
        // Moved to a property, at the start, because a route may remove every header before its backend call, and
        // because camel-http turns every header value into a string before its filter drops it: this one's
        // toString cost more per request than any other header.
        Object ctx = in.removeHeader(NettyConstants.NETTY_CHANNEL_HANDLER_CONTEXT);
        if (ctx instanceof ChannelHandlerContext context) {
            exchange.setProperty(GatewayExchange.CHANNEL, context.channel());
        }
    }

    private static void setUnlessKept(Message in, boolean keep, String name, String value) {
        if (value != null && !(keep && in.getHeader(name) != null)) {
            in.setHeader(name, value);
        }
    }
}
