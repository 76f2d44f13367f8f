package org.camelgateway.listener;

import org.camelgateway.body.ResponseBodies;
import org.camelgateway.body.ResponseRelay;
import org.camelgateway.body.SpooledBody;
import org.camelgateway.errors.ErrorResponses;
import org.camelgateway.exchange.ClientRequest;
import org.camelgateway.exchange.GatewayExchange;
import org.camelgateway.headers.RequestHeaders;
import org.camelgateway.headers.ResponseHeaders;
import org.camelgateway.management.RequestObserver;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.DefaultNettyHttpBinding;
import org.apache.camel.component.netty.http.InboundStreamHttpRequest;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * Maps between Netty's HTTP messages and Camel's for the listener, so that any route a user writes proxies
 * correctly without extra steps.
 *
 * <p>Inbound it differs from Camel's binding in four ways: repeated header lines are joined into one value
 * instead of a list (which camel-http would send as {@code [a, b]}), values are never split at commas, query
 * parameters never become headers, and hop-by-hop and {@code Camel*} headers are dropped before routing.
 * Outbound it turns failures into short problem responses, answers 404 when no route produced a response, keeps
 * request headers from being echoed back, strips hop-by-hop headers (and those a backend's {@code Connection}
 * names) and keeps the client's connection open whatever the backend said about its own.
 *
 * <p>The header rules are {@link RequestHeaders} and {@link ResponseHeaders}; how a body still arriving from a
 * backend goes out is {@link ResponseBodies}'s choice. This class maps messages and frames the response.
 */
public class GatewayNettyHttpBinding extends DefaultNettyHttpBinding {

    private final boolean exposeRoute;
    private final RequestObserver observer;
    private final Duration sendTimeout;

    /**
     * @param headers     the gateway's one header filter strategy, also the component's and the backends'
     * @param exposeRoute add {@code X-Gateway-Route} with the id of the route that answered (for tests, debugging)
     * @param observer    sees every request and its final status (metrics, access log)
     * @param sendTimeout how long a client may take to accept more of a relayed body before it is cut off
     */
    public GatewayNettyHttpBinding(HeaderFilterStrategy headers, boolean exposeRoute, RequestObserver observer,
            Duration sendTimeout) {
        super(headers);
        this.exposeRoute = exposeRoute;
        this.observer = observer;
        this.sendTimeout = sendTimeout;
    }

    @Override
    public Message toCamelMessage(FullHttpRequest request, Exchange exchange, NettyHttpConfiguration configuration)
            throws Exception {
        observer.requestStarted(exchange);
        exchange.setProperty(GatewayExchange.REQUEST, new ClientRequest(request.content().readableBytes()));
        return admitted(request, super.toCamelMessage(request, exchange, configuration), exchange);
    }

    /** A request whose body {@link BodySpoolHandler} wrote to a file: the exchange owns the file until it completes. */
    @Override
    public Message toCamelMessage(InboundStreamHttpRequest request, Exchange exchange,
            NettyHttpConfiguration configuration) throws Exception {
        observer.requestStarted(exchange);
        long bytes = 0;
        if (request.getInputStream() instanceof SpooledBody body) {
            body.adopt();
            exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    body.discard();
                }
            });
            bytes = body.length();
        }
        exchange.setProperty(GatewayExchange.REQUEST, new ClientRequest(bytes));
        return admitted(request.getHttpRequest(), super.toCamelMessage(request, exchange, configuration), exchange);
    }

    private static Message admitted(HttpRequest request, Message answer, Exchange exchange) {
        // identity of the untouched request body: if it is still the response body, no route answered
        ClientRequest.of(exchange).admitted(request.method().name(), answer.getBody(),
                request.protocolVersion().minorVersion() == 0);
        return answer;
    }

    @Override
    public void populateCamelHeaders(
            HttpRequest request, Map<String, Object> headers, Exchange exchange, NettyHttpConfiguration configuration) {
        RequestTarget target = RequestTarget.parse(request.uri());
        String host = request.headers().get(HttpHeaderNames.HOST);
        String scheme = configuration.isSsl() ? "https" : "http";

        headers.put(NettyHttpConstants.HTTP_METHOD, request.method().name());
        headers.put(NettyHttpConstants.HTTP_URL, scheme + "://" + (host != null ? host : configuration.getHost())
                + target.rawPath());
        headers.put(NettyHttpConstants.HTTP_URI, target.decodedPath());
        headers.put(NettyHttpConstants.HTTP_PATH, stripContextPath(configuration, target.rawPath()));
        ClientRequest client = ClientRequest.of(exchange);
        if (client != null) {
            client.path(target.rawPath());
        }
        if (target.rawQuery() != null) {
            headers.put(NettyHttpConstants.HTTP_QUERY, target.decodedQuery());
            headers.put(NettyHttpConstants.HTTP_RAW_QUERY, target.rawQuery());
        }
        headers.put(Exchange.HTTP_SCHEME, scheme);

        RequestHeaders.copyEndToEnd(request.headers(), headers);
    }

    private static String stripContextPath(NettyHttpConfiguration configuration, String rawPath) {
        String contextPath = configuration.getPath();
        if (contextPath != null && !contextPath.isEmpty()
                && rawPath.regionMatches(true, 0, contextPath, 0, contextPath.length())) {
            return rawPath.substring(contextPath.length());
        }
        return rawPath;
    }

    @Override
    public HttpResponse toNettyResponse(Message message, NettyHttpConfiguration configuration) throws Exception {
        Exchange exchange = message.getExchange();
        ClientRequest client = ClientRequest.of(exchange);
        Exception failure = exchange.getException();
        if (failure != null) {
            message = ErrorResponses.fromFailure(exchange, failure);
        } else if (noRouteAnswered(client, message)) {
            message = ErrorResponses.notFound(exchange);
        }
        String backendLength = ResponseHeaders.cleanForClient(exchange, client, message, exposeRoute);
        Channel channel = exchange.getProperty(GatewayExchange.CHANNEL, Channel.class);
        ResponseRelay relay = null;
        if (ResponseBodies.isLive(message.getBody())) {
            try {
                long length = backendLength != null ? Long.parseLong(backendLength) : -1;
                relay = ResponseBodies.settle(message, channel, length);
                if (relay == null) {
                    backendLength = null; // the message holds the whole body now: its own length counts
                }
            } catch (IOException e) {
                // nothing has been written yet: answered like any other backend failure
                exchange.setException(e);
                message = ErrorResponses.fromFailure(exchange, e);
                backendLength = null;
            }
        }
        HttpResponse response = super.toNettyResponse(message, configuration);
        fixFraming(client, response, backendLength);
        long requestBytes = client != null ? client.bytes() : 0;
        if (relay != null) {
            HttpResponse head = ResponseBodies.headOf(response, backendLength);
            // no chunked framing for HTTP/1.0 (RFC 9112 6.1): the body then ends where the connection does
            boolean chunkable = client == null || !client.http10();
            // this thread waits for the whole body either way: the exchange (drain, reload, timers) ends with it
            long relayed = relay.relay(channel, head, chunkable, sendTimeout);
            observer.requestAnswered(exchange, head.status().code(), requestBytes, relayed);
            // Camel writes nothing for a null response (disconnectOnNoReply is off for the listener)
            return null;
        }
        observer.requestAnswered(exchange, response.status().code(), requestBytes,
                response instanceof FullHttpResponse full ? full.content().readableBytes() : -1);
        return response;
    }

    private static boolean noRouteAnswered(ClientRequest client, Message message) {
        Object requestBody = client != null ? client.body() : null;
        return requestBody != null && message.getBody() == requestBody
                && message.getHeader(Exchange.HTTP_RESPONSE_CODE) == null;
    }

    private static void fixFraming(ClientRequest client, HttpResponse response, String backendLength) {
        int status = response.status().code();
        HttpHeaders headers = response.headers();
        if (status < 200 || status == 204) {
            headers.remove(HttpHeaderNames.CONTENT_LENGTH);
        } else if (status == 304 || client != null && "HEAD".equals(client.method())) {
            if (backendLength != null) {
                headers.set(HttpHeaderNames.CONTENT_LENGTH, backendLength);
            } else if (status == 304) {
                headers.remove(HttpHeaderNames.CONTENT_LENGTH);
            }
        }
    }
}
