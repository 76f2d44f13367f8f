package org.camelgateway.listener;

import org.camelgateway.errors.ErrorResponses;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

/**
 * Hands each request on to Camel in order, one at a time and only while the reload gate is open (see
 * {@link #channelRead}), and answers a head {@link RequestHeadCheck} refuses, then closes the connection so nothing
 * after a bad head is read as another request.
 */
public final class RequestOrderHandler extends ChannelDuplexHandler {

    private final ConnectionLimitsHandler gate;
    private final ReloadGate reload;
    private final Deque<Object> held = new ArrayDeque<>();
    private boolean rejected;
    /** A request has gone on and its response is not completely written yet. */
    private boolean responding;
    /** Waiting for the reload gate to reopen. */
    private boolean parked;
    /** The current request passed the reload gate and has not all gone on yet. */
    private boolean admitted;

    public RequestOrderHandler(ConnectionLimitsHandler gate, ReloadGate reload) {
        this.gate = gate;
        this.reload = reload;
    }

    /**
     * A request goes on only once the response before it on this connection is completely written, and not while
     * routes are being swapped; until then it and what follows it wait here, in order. Responses must leave in
     * the order of the requests (RFC 9112 9.3.2), but routes answer asynchronously and bodies are relayed after
     * the route has finished: a pipelined request to a faster backend would overtake the one before it, and a
     * client that had read all bytes of a relayed body could send its next request before the gateway had
     * closed the previous response, whose head then went out inside it.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        held.add(msg);
        release(ctx);
    }

    private void release(ChannelHandlerContext ctx) {
        while (!held.isEmpty() && !parked) {
            Object next = held.peek();
            if (next instanceof HttpRequest) {
                if (responding) {
                    break;
                }
                if (!reload.tryAdmit()) {
                    if (reload.park(ctx, () -> {
                        parked = false;
                        release(ctx);
                    })) {
                        parked = true;
                        return;
                    }
                    continue; // the gate opened again meanwhile
                }
                // on its way to the routes until its last part has gone on (a swap waits for that)
                admitted = true;
            }
            held.poll();
            try {
                guard(ctx, next);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            } finally {
                if (admitted && (next instanceof LastHttpContent || rejected)) {
                    admitted = false;
                    reload.admitted();
                }
            }
        }
        if (!parked) {
            // a client that pipelines stops being read while its requests wait, rather than filling memory
            boolean waiting = !held.isEmpty();
            if (ctx.channel().config().isAutoRead() == waiting) {
                ctx.channel().config().setAutoRead(!waiting);
            }
        }
    }

    private void guard(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (rejected) {
            ReferenceCountUtil.release(msg); // the rest of a refused request, or what followed it
            return;
        }
        if (msg instanceof HttpRequest request) {
            responding = true;
            gate.headReceived();
            RequestHeadCheck.Refusal refusal =
                    RequestHeadCheck.check(request, (InetSocketAddress) ctx.channel().localAddress());
            if (refusal != null) {
                rejected = true;
                ReferenceCountUtil.release(msg);
                reject(ctx, request, refusal.status(), refusal.reason());
                return;
            }
        }
        if (msg instanceof LastHttpContent) {
            gate.bodyReceived();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (admitted) {
            admitted = false;
            reload.admitted();
        }
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        // a 100 Continue is a whole message too, but the body and the real answer are still to come
        if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse r
                && r.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            ChannelPromise written = promise.unvoid();
            written.addListener(f -> {
                gate.responseWritten(ctx);
                responding = false;
                release(ctx);
            });
            super.write(ctx, msg, written);
            return;
        }
        super.write(ctx, msg, promise);
    }

    private static void reject(ChannelHandlerContext ctx, HttpRequest request, int status, String detail) {
        ctx.writeAndFlush(ErrorResponses.closingProblem(request, status, detail))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
