package org.camelgateway.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.netty.http.DefaultNettyHttpBinding;
import org.apache.camel.component.netty.http.InboundStreamHttpRequest;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.support.SynchronizationAdapter;
import org.camelgateway.ops.RequestObserver;

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
 */
public class GatewayNettyHttpBinding extends DefaultNettyHttpBinding {

    private final boolean exposeRoute;
    private final RequestObserver observer;
    private final Duration sendTimeout;

    /**
     * @param exposeRoute add {@code X-Gateway-Route} with the id of the route that answered (for tests, debugging)
     * @param observer    sees every request and its final status (metrics, access log)
     * @param sendTimeout how long a client may take to accept more of a relayed body before it is cut off
     */
    public GatewayNettyHttpBinding(boolean exposeRoute, RequestObserver observer, Duration sendTimeout) {
        super(new GatewayHeaderFilterStrategy());
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

    /** A request whose body {@link BodySpooler} wrote to a file: the exchange owns the file until it completes. */
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

        copyEndToEndHeaders(request.headers(), headers);
    }

    /**
     * Copies every end-to-end header once, repeated lines joined as RFC 9110 5.3 allows ({@code Cookie} with
     * {@code "; "} as RFC 6265 5.4 requires).
     */
    private static void copyEndToEndHeaders(HttpHeaders from, Map<String, Object> to) {
        Set<String> hopByHop = connectionScoped(from.getAll(HttpHeaderNames.CONNECTION));
        Set<String> seen = new HashSet<>();
        for (String name : from.names()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!seen.add(lower) || hopByHop.contains(lower) || GatewayHeaderFilterStrategy.isCamelInternal(lower)) {
                continue;
            }
            List<String> values = from.getAll(name);
            String value = values.size() == 1
                    ? values.get(0) : String.join("cookie".equals(lower) ? "; " : ", ", values);
            to.put("content-type".equals(lower) ? Exchange.CONTENT_TYPE : name, value);
        }
    }

    /** The hop-by-hop set of one message: the fixed ones plus every token its {@code Connection} lines list. */
    static Set<String> connectionScoped(List<String> connectionValues) {
        if (connectionValues == null || connectionValues.isEmpty()) {
            return GatewayHeaderFilterStrategy.HOP_BY_HOP;
        }
        // the common "keep-alive" and "close" are hop-by-hop already: no new set for them
        Set<String> names = GatewayHeaderFilterStrategy.HOP_BY_HOP;
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty() && !names.contains(t)) {
                    if (names == GatewayHeaderFilterStrategy.HOP_BY_HOP) {
                        names = new HashSet<>(names);
                    }
                    names.add(t);
                }
            }
        }
        return names;
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
        String backendLength = cleanResponseHeaders(exchange, message);
        Channel channel = exchange.getProperty(GatewayExchange.CHANNEL, Channel.class);
        ResponseStreamer streamer = null;
        if (ResponseStreamer.isLive(message.getBody())) {
            long length = backendLength != null ? Long.parseLong(backendLength) : -1;
            try {
                InputStream in = message.getBody(InputStream.class);
                if (length >= 0 && length <= ResponseStreamer.WHOLE_LIMIT) {
                    message.setBody(ResponseStreamer.readWhole(in, (int) length, ByteBufAllocator.DEFAULT));
                    backendLength = null;
                } else if (channel == null || channel.eventLoop().inEventLoop()) {
                    // no thread of its own to relay on: read whole, as camel-http itself would
                    message.setBody(in.readAllBytes());
                    backendLength = null;
                } else {
                    streamer = ResponseStreamer.open(in);
                    message.setBody(streamer == null ? new byte[0] : null);
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
        if (streamer != null) {
            HttpResponse head = new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers());
            ReferenceCountUtil.release(response);
            head.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            if (backendLength != null) {
                head.headers().set(HttpHeaderNames.CONTENT_LENGTH, backendLength);
            }
            // no chunked framing for HTTP/1.0 (RFC 9112 6.1): the body then ends where the connection does
            boolean chunkable = client == null || !client.http10();
            long relayed = streamer.relay(channel, head, chunkable, sendTimeout);
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

    /**
     * Removes request headers still on the message (a route that answered without a backend would otherwise
     * echo them), hop-by-hop headers and those named in {@code Connection}. Returns the backend's
     * {@code Content-Length}, which only matters where the response has no body to measure (HEAD, 304).
     */
    private String cleanResponseHeaders(Exchange exchange, Message message) {
        Map<String, Object> headers = message.getHeaders();
        @SuppressWarnings("unchecked")
        Set<Object> requestValues = exchange.getProperty(GatewayExchange.REQUEST_HEADERS, Set.class);
        Set<String> hopByHop = connectionScoped(connectionValues(headers.get("Connection")));
        Object length = headers.get(Exchange.CONTENT_LENGTH);

        for (Iterator<Map.Entry<String, Object>> it = headers.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Object> header = it.next();
            String lower = header.getKey().toLowerCase(Locale.ROOT);
            // Camel's own headers (the response code among them) never reach the client and are not echoes
            boolean echoed = requestValues != null && !GatewayHeaderFilterStrategy.isCamelInternal(lower)
                    && requestValues.contains(header.getValue());
            if (echoed || hopByHop.contains(lower) || "content-length".equals(lower)) {
                it.remove();
            }
        }
        headers.put(GatewayExchange.REQUEST_ID_HEADER, GatewayExchange.requestId(exchange));
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
