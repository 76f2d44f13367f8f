package org.camelgateway.listener;

import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import org.apache.camel.component.netty.http.InboundStreamHttpRequest;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConsumer;
import org.apache.camel.component.netty.http.handlers.HttpServerChannelHandler;
import org.apache.camel.component.netty.http.handlers.HttpServerMultiplexChannelHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camel-netty-http's per-port dispatcher, with a shortcut for the gateway's usual listener: one consumer on the port
 * that takes every path ({@code matchOnUriPrefix} on the root). Camel's dispatcher matches each request against every
 * consumer of the port, building lists, streams and lower-case copies on the way (3% of the CPU samples at 1,000
 * connections); with a single catch-all consumer that work always picks the same one. Only a method the consumer's
 * {@code httpMethodRestrict} lists by name takes the shortcut; anything else (a 405, Camel's own OPTIONS answer,
 * several consumers on one port, an HTTP proxy consumer) goes through Camel's dispatcher.
 * <p>
 * A client that goes away is its own doing: logged at DEBUG, where Camel's dispatcher logs a WARN with a stack
 * trace for each client that aborts before its request is complete ({@link #exceptionCaught}).
 */
@Sharable
final class GatewayMultiplexChannelHandler extends HttpServerMultiplexChannelHandler {

    /** Camel's key for the handler a connection's requests went to (its exceptions are reported there). */
    private static final AttributeKey<HttpServerChannelHandler> SERVER_HANDLER_KEY =
            AttributeKey.valueOf("serverHandler");
    private static final Logger LOG = LoggerFactory.getLogger(GatewayMultiplexChannelHandler.class);

    private record CatchAll(HttpServerChannelHandler handler, Set<String> methods) {
    }

    private final List<NettyHttpConsumer> consumers = new CopyOnWriteArrayList<>();
    private volatile CatchAll catchAll;

    @Override
    public synchronized void addConsumer(NettyHttpConsumer consumer) {
        super.addConsumer(consumer);
        consumers.add(consumer);
        catchAll = catchAll(consumers);
    }

    @Override
    public synchronized void removeConsumer(NettyHttpConsumer consumer) {
        super.removeConsumer(consumer);
        consumers.remove(consumer);
        catchAll = catchAll(consumers);
    }

    /** The shortcut when it gives what Camel's matching would give for every path, else null. */
    static CatchAll catchAll(List<NettyHttpConsumer> consumers) {
        if (consumers.size() != 1) {
            return null;
        }
        NettyHttpConsumer only = consumers.get(0);
        NettyHttpConfiguration configuration = only.getConfiguration();
        String path = configuration.getPath();
        String restrict = only.getEndpoint().getHttpMethodRestrict();
        if (configuration.isHttpProxy() || !configuration.isMatchOnUriPrefix() || restrict == null
                || !(path == null || path.isEmpty() || "/".equals(path))) {
            return null;
        }
        // exact names only: Camel tests the list as a substring, and answers OPTIONS itself unless it is listed
        Set<String> methods = Arrays.stream(restrict.split(",")).map(String::trim)
                .collect(Collectors.toUnmodifiableSet());
        return new CatchAll(new HttpServerChannelHandler(only), methods);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) throws Exception {
        CatchAll target = catchAll;
        if (target != null) {
            HttpRequest request = msg instanceof HttpRequest r ? r : ((InboundStreamHttpRequest) msg).getHttpRequest();
            if (target.methods.contains(request.method().name())) {
                // as Camel's dispatcher does it
                ctx.channel().attr(SERVER_HANDLER_KEY).set(target.handler);
                if (msg instanceof HttpContent content) {
                    content.content().retain(); // released by this handler's superclass after the read
                }
                target.handler.channelRead(ctx, msg);
                return;
            }
        }
        super.channelRead0(ctx, msg);
    }

    /**
     * Before a request has gone to a consumer, Camel's dispatcher answers any exception with a WARN, its stack
     * trace and a 404 to the client. A reset from the client, or its connection closing in the middle of a request
     * (the aggregator's PrematureChannelClosureException), is the client's doing, as nginx sees it: one DEBUG
     * line, and the connection closed. Anything else, such as a failing body spool file, stays Camel's WARN.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (isClientGone(cause)) {
            LOG.debug("client {} went away: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            return;
        }
        super.exceptionCaught(ctx, cause);
    }

    /** Failures of the client's socket (epoll's and NIO's), or its end of the connection closed mid-request. */
    static boolean isClientGone(Throwable cause) {
        return cause instanceof PrematureChannelClosureException || cause instanceof Errors.NativeIoException
                || cause instanceof SocketException;
    }
}
