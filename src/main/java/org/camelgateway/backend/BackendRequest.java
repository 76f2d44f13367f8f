package org.camelgateway.backend;

import org.camelgateway.exchange.ClientRequest;
import org.camelgateway.headers.RequestHeaders;
import org.camelgateway.exchange.RetrySafety;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.component.http.HttpConstants;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.component.http.helper.HttpMethodHelper;
import org.apache.camel.spi.HeaderFilterStrategy;
import org.apache.camel.support.ExchangeHelper;

/**
 * The request a backend receives, built from the exchange as camel-http builds it: Camel's own helper gives the method,
 * {@link BackendTarget} the URL (the endpoint's URI plus the client's path and raw query, for bridge endpoints), the
 * endpoint's header filter strategy picks the headers, and {@code Host} names the backend unless the endpoint preserves
 * the client's. The body is sent with a {@code Content-Length}; a large stream cache (an upload spooled to disk) is
 * sent in pieces as the connection takes them. Writable more than once, for the resend on a fresh connection.
 */
final class BackendRequest {

    /** Bodies up to this size are copied into one buffer; larger stream caches are sent in pieces of it. */
    private static final int PIECE = 64 * 1024;

    /** Over TLS ({@code https}). */
    final boolean secure;
    final String host;
    final int port;
    /** {@code host:port}, {@code https://host:port} over TLS: the pool's key for the backend's connections. */
    final String address;
    /** May be resent once after a stale pooled connection ({@link RetrySafety#mayResendOnFreshConnection}). */
    final boolean idempotent;
    /** The endpoint's header policy, also applied to the response's headers. */
    final HeaderFilterStrategy filter;
    private final HttpRequest head;
    private final byte[] bytes;
    private final StreamCache stream;
    private final long streamLength;

    private BackendRequest(boolean secure, String host, int port, String address, boolean idempotent,
            HeaderFilterStrategy filter, HttpRequest head, byte[] bytes, StreamCache stream, long streamLength) {
        this.secure = secure;
        this.host = host;
        this.port = port;
        this.address = address;
        this.idempotent = idempotent;
        this.filter = filter;
        this.head = head;
        this.bytes = bytes;
        this.stream = stream;
        this.streamLength = streamLength;
    }

    private static final Map<String, HttpMethods> BY_NAME = Arrays.stream(HttpMethods.values())
            .collect(Collectors.toUnmodifiableMap(HttpMethods::name, m -> m));

    /**
     * The method as camel-http's HttpMethodHelper picks it. The listener always sets {@code CamelHttpMethod}; with
     * it there the helper's parse of {@code CamelHttpUri} (for a query that only matters without the header) is
     * wasted work on every call.
     */
    private static HttpMethods method(Exchange exchange, HttpEndpoint endpoint) throws Exception {
        if (endpoint.getHttpMethod() == null && !endpoint.isSkipControlHeaders()) {
            // the listener's value is the method's name, as the enum spells it: no type converter needed for it
            Object header = exchange.getIn().getHeader(HttpConstants.HTTP_METHOD);
            HttpMethods given = header instanceof HttpMethods m ? m
                    : header instanceof String name ? BY_NAME.get(name) : null;
            if (given == null && header != null) {
                given = exchange.getIn().getHeader(HttpConstants.HTTP_METHOD, HttpMethods.class);
            }
            if (given != null) {
                return given;
            }
        }
        return HttpMethodHelper.createMethod(exchange, endpoint);
    }

    static BackendRequest of(Exchange exchange, HttpEndpoint endpoint) throws Exception {
        Message in = exchange.getIn();
        HttpMethods method = method(exchange, endpoint);
        BackendTarget uri = BackendTarget.of(exchange, endpoint, true);
        String target = uri.requestTarget();
        boolean secure = uri.secure();
        int defaultPort = secure ? 443 : 80;
        int port = uri.port() < 0 ? defaultPort : uri.port();

        HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory()
                .withValidation(false).newHeaders();
        HeaderFilterStrategy filter = endpoint.getHeaderFilterStrategy();
        RequestHeaders.copyToBackend(in.getHeaders(), filter, headers, exchange);
        String hostPort = uri.host() + ":" + port;
        // a TLS connection is never handed to a plain call to the same host and port, nor the other way
        String address = secure ? "https://" + hostPort : hostPort;
        String clientHost = endpoint.isPreserveHostHeader() ? in.getHeader("Host", String.class) : null;
        headers.set(HttpHeaderNames.HOST, clientHost != null ? clientHost : port == defaultPort ? uri.host() : hostPort);
        if (endpoint.isConnectionClose()) {
            headers.set(HttpHeaderNames.CONNECTION, "close");
        }

        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method.name()), target,
                headers);
        byte[] bytes = null;
        StreamCache stream = null;
        long streamLength = 0;
        if (sendsBody(method.name(), exchange)) {
            Object body = in.getBody();
            String contentType = in.getHeader(Exchange.CONTENT_TYPE, String.class);
            if (contentType != null) {
                headers.set(HttpHeaderNames.CONTENT_TYPE, contentType);
            }
            if (body instanceof StreamCache cache && body instanceof InputStream && cache.length() > PIECE) {
                stream = cache;
                streamLength = cache.length();
            } else {
                bytes = bodyBytes(exchange, body);
            }
            headers.set(HttpHeaderNames.CONTENT_LENGTH, stream != null ? streamLength : bytes.length);
        }
        return new BackendRequest(secure, uri.host(), port, address, RetrySafety.mayResendOnFreshConnection(method.name()),
                filter, head, bytes, stream, streamLength);
    }

    /**
     * Whether the backend gets a body: always for POST, PUT and PATCH (an empty one with {@code Content-Length: 0}, as
     * camel-http sends them), and for any other method whose client sent one, as nginx forwards a DELETE's or a GET's
     * body. TRACE never carries one (RFC 9110 9.3.8). A request whose client sent no body goes out without one, not
     * with {@code Content-Length: 0} or chunked framing. The one rule for both backend clients.
     */
    static boolean sendsBody(String method, Exchange exchange) {
        if ("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method)) {
            return true;
        }
        ClientRequest client = ClientRequest.of(exchange);
        return client != null && client.bytes() > 0 && !"TRACE".equals(method);
    }

    private static byte[] bodyBytes(Exchange exchange, Object body) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] b) {
            return b;
        }
        if (body instanceof String s) {
            return s.getBytes(Charset.forName(ExchangeHelper.getCharsetName(exchange, true)));
        }
        if (body instanceof StreamCache cache) {
            cache.reset();
            byte[] b = exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body);
            cache.reset();
            return b;
        }
        byte[] b = exchange.getContext().getTypeConverter().convertTo(byte[].class, exchange, body);
        if (b == null) {
            throw new IOException("cannot send a body of type " + body.getClass().getName() + " to a backend");
        }
        return b;
    }

    String method() {
        return head.method().name();
    }

    String connectionHeader() {
        return head.headers().get(HttpHeaderNames.CONNECTION);
    }

    /** Writes the whole request; the future fails if the connection does. Must run on the channel's event loop. */
    ChannelFuture writeTo(Channel channel) {
        if (stream == null) {
            ByteBuf content = bytes == null || bytes.length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes);
            return channel.writeAndFlush(new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
                    content, head.headers(), EmptyHttpHeaders.INSTANCE));
        }
        stream.reset();
        channel.write(head);
        return new Pump(channel, (InputStream) stream, streamLength).next();
    }

    /** Sends a large body a piece at a time, each when the connection has room, so a slow backend costs no memory. */
    private static final class Pump implements ChannelFutureListener {

        private final Channel channel;
        private final InputStream in;
        private long left;
        private final ChannelPromise done;

        Pump(Channel channel, InputStream in, long length) {
            this.channel = channel;
            this.in = in;
            this.left = length;
            this.done = channel.newPromise();
        }

        ChannelFuture next() {
            try {
                while (left > 0) {
                    byte[] piece = new byte[(int) Math.min(PIECE, left)];
                    int n = in.readNBytes(piece, 0, piece.length);
                    if (n <= 0) {
                        throw new IOException("request body ended " + left + " bytes early");
                    }
                    left -= n;
                    ChannelFuture written = channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(piece, 0, n)));
                    if (!channel.isWritable() && left > 0) {
                        written.addListener(this);
                        return done;
                    }
                }
                channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
                    if (f.isSuccess()) {
                        done.trySuccess();
                    } else {
                        done.tryFailure(f.cause());
                    }
                });
            } catch (IOException | RuntimeException e) {
                done.tryFailure(e);
            }
            return done;
        }

        @Override
        public void operationComplete(ChannelFuture written) {
            if (written.isSuccess()) {
                next();
            } else {
                done.tryFailure(written.cause());
            }
        }
    }

}
