package org.camelgateway.body;

import java.io.IOException;
import java.io.InputStream;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;

/**
 * How a response body still arriving from a backend goes to the client: held whole when it is small, relayed on the
 * client connection's event loop when it arrives there ({@link LoopResponseRelay}), else relayed on the thread that
 * finished the route ({@link BlockingResponseRelay}). Either relay costs one buffer of memory instead of the body's
 * size (nginx with {@code proxy_buffering off}).
 */
public final class ResponseBodies {

    /** Bodies with a known length up to this are read whole and written in one piece. */
    public static final int WHOLE_LIMIT = 64 * 1024;

    private ResponseBodies() {
    }

    /** A body still to be read from its source (a Camel stream cache is already in memory). */
    public static boolean isLive(Object body) {
        return body instanceof InputStream && !(body instanceof StreamCache);
    }

    /**
     * Settles how the message's live body goes out. Before anything is written, the body's first piece (or its end,
     * or its failure) is awaited, so a backend that fails at once is still answered 502 rather than with a cut-off
     * 200: that failure is thrown.
     *
     * @param length  the backend's {@code Content-Length}, or -1
     * @param channel the client's connection, or null
     * @return the relay that writes the body after the head, or null when the message now holds the whole body
     */
    public static ResponseRelay settle(Message message, Channel channel, long length) throws IOException {
        InputStream in = message.getBody(InputStream.class);
        if (length >= 0 && length <= WHOLE_LIMIT) {
            message.setBody(BlockingResponseRelay.readWhole(in, (int) length, ByteBufAllocator.DEFAULT));
            return null;
        }
        if (in instanceof BackendBodyStream live && live.sharesLoopWith(channel)
                && !channel.eventLoop().inEventLoop()) {
            // BackendClient's body, arriving on the client connection's own event loop: that loop relays it
            if (live.awaitFirst()) {
                message.setBody(null);
                return new LoopResponseRelay(live);
            }
            live.close();
            message.setBody(new byte[0]);
            return null;
        }
        if (channel == null || channel.eventLoop().inEventLoop()) {
            // no thread of its own to relay on: read whole, as camel-http itself would
            message.setBody(in.readAllBytes());
            return null;
        }
        BlockingResponseRelay relay = BlockingResponseRelay.open(in);
        message.setBody(relay == null ? new byte[0] : null);
        return relay;
    }

    /**
     * The head alone of a response whose body is relayed: Netty's full response (released here) without the
     * {@code Content-Length} of its empty body, and with the backend's, if it sent one.
     */
    public static HttpResponse headOf(HttpResponse response, String backendLength) {
        HttpResponse head = new DefaultHttpResponse(response.protocolVersion(), response.status(), response.headers());
        ReferenceCountUtil.release(response);
        head.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        if (backendLength != null) {
            head.headers().set(HttpHeaderNames.CONTENT_LENGTH, backendLength);
        }
        return head;
    }
}
