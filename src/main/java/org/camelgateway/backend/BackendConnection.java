package org.camelgateway.backend;

import org.camelgateway.body.BackendBodyStream;
import org.camelgateway.body.ResponseBodies;
import org.camelgateway.headers.ResponseHeaders;
import org.camelgateway.transport.DeadlineTimer;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.apache.hc.core5.http.NoHttpResponseException;

/**
 * One pooled connection to a backend, serving one call at a time on its event loop.
 *
 * <p>A response whose body is known to be small (a {@code Content-Length} up to {@link #HOLD_LIMIT}), or that
 * has arrived whole by the end of the read that brought its head, is held and handed to the route as bytes on
 * the event loop. Any other body is handed over as a {@link BackendBodyStream} as soon as its head is in, and the
 * route continues on the backend executor, which relays it while it arrives. Once the last byte is read the
 * connection goes back to the pool, whoever is still reading the stream.
 */
final class BackendConnection extends ChannelInboundHandlerAdapter {

    /** Bodies up to this size are held and passed on whole: the same limit as on the camel-http path. */
    static final int HOLD_LIMIT = ResponseBodies.WHOLE_LIMIT;

    private enum Body { NONE, HOLDING, STREAMING }

    private final BackendClient.LoopPool pool;
    private ChannelHandlerContext ctx;
    private BackendCallState call;
    private String key;
    private boolean reused;
    private boolean interim;
    private HttpResponse head;
    private Map<String, Object> headers;
    private boolean keepAlive;
    private Body body = Body.NONE;
    private boolean lengthKnownSmall;
    private CompositeByteBuf held;
    private BackendBodyStream stream;
    private long lastActivity;
    private DeadlineTimer timeout;

    BackendConnection(BackendClient.LoopPool pool) {
        this.pool = pool;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.timeout = new DeadlineTimer(ctx.executor(), this::checkTimeout);
    }

    /** Starts {@code call} on this connection; on its event loop. */
    void begin(BackendCallState call, boolean reused) {
        this.call = call;
        this.key = call.request.address;
        this.reused = reused;
        this.head = null;
        this.body = Body.NONE;
        this.interim = false;
        this.stream = null;
        this.lastActivity = System.nanoTime();
        // a streamed body may have paused reading just before its end arrived (BackendBodyStream)
        ctx.channel().config().setAutoRead(true);
        if (call.responseTimeout > 0) {
            timeout.runBy(lastActivity + TimeUnit.MILLISECONDS.toNanos(call.responseTimeout));
        }
        call.request.writeTo(ctx.channel()).addListener(written -> {
            if (!written.isSuccess() && this.call == call) {
                lost(written.cause());
            }
        });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (call == null) {
            // nothing was asked: a backend talking out of turn cannot be trusted with the next request
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        lastActivity = System.nanoTime();
        try {
            if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
                lost(new IOException("invalid response from backend: " + object.decoderResult().cause().getMessage()));
                return;
            }
            if (msg instanceof HttpResponse response) {
                onHead(response);
            }
            if (msg instanceof HttpContent content && call != null) {
                onContent(content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse response) {
        int status = response.status().code();
        if (status >= 100 && status < 200 && status != 101) {
            interim = true; // 100 Continue and friends: the real response follows
            return;
        }
        head = response;
        headers = ResponseHeaders.fromBackend(response.headers(), call.request.filter, call.exchange);
        keepAlive = HttpUtil.isKeepAlive(response)
                && !"close".equalsIgnoreCase(call.request.connectionHeader());
        long length = HttpUtil.getContentLength(response, -1L);
        lengthKnownSmall = length >= 0 && length <= HOLD_LIMIT || "HEAD".equals(call.request.method())
                || status == 204 || status == 304;
        if (lengthKnownSmall || length < 0) {
            body = Body.HOLDING;
            held = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        } else {
            startStreaming();
        }
    }

    private void onContent(HttpContent content) {
        if (interim) {
            interim = !(content instanceof LastHttpContent);
            return;
        }
        if (head == null) {
            return;
        }
        if (body == Body.HOLDING) {
            if (content.content().isReadable()) {
                held.addComponent(true, content.content().retain());
            }
            if (!lengthKnownSmall && held.readableBytes() > HOLD_LIMIT) {
                startStreaming();
            }
        } else if (body == Body.STREAMING && content.content().isReadable()) {
            stream.offer(content.content().retain());
        }
        if (content instanceof LastHttpContent) {
            complete();
        }
    }

    /** The read that brought the head is over: a body that is still arriving is streamed from here. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (call != null && head != null && body == Body.HOLDING && !lengthKnownSmall) {
            startStreaming();
        }
        ctx.fireChannelReadComplete();
    }

    private void startStreaming() {
        stream = new BackendBodyStream(ctx.channel(), call.responseTimeout);
        if (held != null) {
            if (held.isReadable()) {
                stream.offer(held);
            } else {
                held.release();
            }
            held = null;
        }
        body = Body.STREAMING;
        call.succeed(head.status().code(), head.status().reasonPhrase(), headers, stream, false);
    }

    private void complete() {
        BackendCallState done = call;
        HttpResponse response = head;
        Map<String, Object> responseHeaders = headers;
        byte[] bytes = null;
        if (body == Body.HOLDING) {
            bytes = ByteBufUtil.getBytes(held);
            held.release();
            held = null;
        } else {
            stream.end();
        }
        detach();
        if (keepAlive) {
            pool.release(ctx.channel(), key);
        } else {
            ctx.close();
        }
        if (bytes != null) {
            done.succeed(response.status().code(), response.status().reasonPhrase(), responseHeaders, bytes, true);
        }
    }

    /** The call ends here: no more buffers. A pending timeout check stays for the next call (DeadlineTimer). */
    private void detach() {
        call = null;
        head = null;
        headers = null;
        if (held != null) {
            held.release();
            held = null;
        }
    }

    private void checkTimeout() {
        if (call == null || body == Body.STREAMING) {
            return; // a streamed body's reader has the same timeout
        }
        long due = lastActivity + TimeUnit.MILLISECONDS.toNanos(call.responseTimeout);
        if (System.nanoTime() - due >= 0) {
            lost(new SocketTimeoutException("backend did not answer within " + call.responseTimeout + " ms"));
        } else {
            timeout.runBy(due);
        }
    }

    /**
     * The connection failed during a call. An idempotent request that met a pooled connection the backend had
     * already closed, before any of the response came, is resent once on a new connection; else the call fails
     * (before the head: the client gets 502/504; mid-body: the relay cuts the client's connection).
     */
    private void lost(Throwable cause) {
        BackendCallState failed = call;
        boolean beforeHead = head == null && !interim;
        Body was = body;
        BackendBodyStream streaming = stream;
        detach();
        stream = null;
        ctx.close();
        if (failed == null) {
            return;
        }
        if (was == Body.STREAMING) {
            streaming.fail(cause instanceof IOException io ? io : new IOException(cause));
            return;
        }
        if (beforeHead && reused && failed.staleRetry && failed.request.idempotent && !failed.retried
                && !(cause instanceof SocketTimeoutException)) {
            failed.retried = true;
            pool.send(failed, false);
            return;
        }
        failed.fail(cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        timeout.cancel();
        if (call != null) {
            lost(head == null ? new NoHttpResponseException("backend closed the connection without a response")
                    : new IOException("backend closed the connection before the end of the body"));
        } else {
            if (stream != null && !stream.isComplete()) {
                stream.fail(new IOException("backend connection closed"));
            }
            pool.forget(ctx.channel(), key);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (call != null) {
            lost(cause);
        } else {
            ctx.close();
        }
    }
}
