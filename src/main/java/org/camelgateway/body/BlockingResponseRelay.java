package org.camelgateway.body;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import org.apache.hc.core5.http.io.EofSensorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a backend's response body to the client as it arrives, so a large body costs one buffer of memory instead
 * of its size (nginx with {@code proxy_buffering off}).
 *
 * <p>camel-http hands the body over as HttpClient's stream (the component's default {@code disableStreamCache}).
 * The relay runs on the thread that finished the route, which is the backend call's own thread, never the event
 * loop: it reads a chunk, writes it, and waits while the client is slower than the backend. It has to be finished
 * before the binding returns, because Camel releases the backend connection (draining what is left of the body)
 * as soon as the response is handed to Netty. Camel's own {@code OutboundStreamHttpResponse} is not used for that
 * reason: it reads the stream on the event loop after that point, and always drops {@code Content-Length}.
 *
 * <p>A body from {@code BackendClient} that arrives on the client connection's own event loop is relayed by that
 * loop instead ({@link LoopResponseRelay}), with the same framing ({@link #frame}); this class relays the rest:
 * camel-http's bodies, and bodies a route step replaced with a stream of its own ({@link ResponseBodies} chooses).
 */
public final class BlockingResponseRelay implements ResponseRelay {

    private static final int CHUNK = 64 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(BlockingResponseRelay.class);

    /** Reads a body of known, small length into one buffer; the caller owns the buffer. */
    static ByteBuf readWhole(InputStream in, int length, ByteBufAllocator alloc) throws IOException {
        ByteBuf buf = alloc.buffer(Math.max(length, 0));
        try {
            while (buf.writableBytes() > 0 && buf.writeBytes(in, buf.writableBytes()) >= 0) {
                // until the declared length is in (a shorter body ends with EOF or HttpClient's exception)
            }
            in.close();
            return buf;
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /**
     * Reads the first piece of a body before anything is written to the client, so a backend that fails at once is
     * still answered 502 rather than with a cut-off 200.
     *
     * @return the relay, or null if the body turned out to be empty
     */
    static BlockingResponseRelay open(InputStream body) throws IOException {
        // read into one array and copy each read into a buffer of its size: a trickling backend (server-sent
        // events) must not pin a 64 KiB buffer per few bytes while the client is slow
        byte[] buffer = new byte[CHUNK];
        int n;
        while ((n = body.read(buffer)) == 0) {
            // a stream may return 0 before its first byte
        }
        if (n < 0) {
            body.close();
            return null;
        }
        return new BlockingResponseRelay(body, buffer, n);
    }

    private final InputStream body;
    private final byte[] buffer;
    private final int firstLength;

    private BlockingResponseRelay(InputStream body, byte[] buffer, int firstLength) {
        this.body = body;
        this.buffer = buffer;
        this.firstLength = firstLength;
    }

    @Override
    public long relay(Channel channel, HttpResponse head, boolean chunkable, Duration sendTimeout) {
        boolean close = frame(head, chunkable);
        long relayed = 0;
        // waiting for the chunk before the last one keeps one chunk in flight while the next is read
        ChannelFuture previous = channel.write(head);
        try {
            int n = firstLength;
            while (n >= 0) {
                if (n > 0) {
                    relayed += n;
                    ByteBuf chunk = channel.alloc().buffer(n).writeBytes(buffer, 0, n);
                    ChannelFuture written = channel.writeAndFlush(new DefaultHttpContent(chunk));
                    if (!channel.isWritable() && !previous.awaitUninterruptibly(sendTimeout.toMillis())) {
                        throw new IOException("client did not read within " + sendTimeout.toMillis() + " ms");
                    }
                    previous = written;
                    if (!channel.isActive()) {
                        throw new IOException("client closed the connection");
                    }
                }
                n = body.read(buffer);
            }
            ChannelFuture end = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (close) {
                end.addListener(ChannelFutureListener.CLOSE);
            }
            body.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Response relay stopped after {} bytes: {}", relayed, e.toString());
            abort(body);
            channel.flush();
            channel.close();
        }
        return relayed;
    }

    /**
     * Frames a relayed body by the head's {@code Content-Length}, else chunked, or for a client that cannot take
     * chunks ({@code chunkable} false, HTTP/1.0) by closing the connection at the end.
     *
     * @return whether the connection closes after the body
     */
    static boolean frame(HttpResponse head, boolean chunkable) {
        if (!head.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            if (chunkable) {
                head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
        }
        return HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(head.headers().get(HttpHeaderNames.CONNECTION));
    }

    /** Gives up the backend connection instead of reading the rest of a body nobody will receive. */
    private static void abort(InputStream body) {
        try {
            if (body instanceof EofSensorInputStream sensor) {
                sensor.abort();
            } else {
                body.close();
            }
        } catch (IOException e) {
            LOG.debug("Closing the backend stream failed", e);
        }
    }
}
