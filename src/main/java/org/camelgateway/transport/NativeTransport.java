package org.camelgateway.transport;

import java.util.concurrent.ThreadFactory;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's epoll transport where its native library loads (Linux x86_64), Java NIO elsewhere. The listener turns it
 * on through camel-netty's {@code nativeTransport} option; backend connections follow the event loop they are
 * opened on, so a client's request and its backend call stay on one thread either way.
 */
public final class NativeTransport {

    private static final Logger LOG = LoggerFactory.getLogger(NativeTransport.class);

    private NativeTransport() {
    }

    /** Whether epoll can be used here; says why not, once, when it cannot. */
    public static boolean available() {
        if (Epoll.isAvailable()) {
            return true;
        }
        LOG.info("Connections use Java NIO: the epoll transport is not available here ({})",
                Epoll.unavailabilityCause().toString());
        return false;
    }

    /** Event loops of the transport chosen ({@code threads} 0: Netty's default, twice the cores). */
    public static EventLoopGroup eventLoops(boolean epoll, int threads, ThreadFactory factory) {
        return epoll ? new EpollEventLoopGroup(threads, factory) : new NioEventLoopGroup(threads, factory);
    }

    /** A client connection whose event loop backend connections can share. */
    public static boolean isSocket(Channel channel) {
        return channel instanceof EpollSocketChannel || channel instanceof NioSocketChannel;
    }

    /** The socket channel type that registers with {@code loop}. */
    public static Class<? extends Channel> socketChannelFor(EventLoop loop) {
        return loop.parent() instanceof EpollEventLoopGroup ? EpollSocketChannel.class : NioSocketChannel.class;
    }
}
