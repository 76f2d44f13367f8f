package org.camelgateway.body;

import org.camelgateway.errors.ErrorResponses;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.apache.camel.component.netty.http.InboundStreamHttpRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes large and chunked request bodies to a {@link BodySpool} file as they arrive and hands the route the
 * request with that file as its body ({@link InboundStreamHttpRequest}, which Camel's netty-http consumer
 * accepts). Everything else goes on to Camel's aggregator: small bodies, declared lengths over the limit (413
 * there) and expectations other than {@code 100-continue} (417 there).
 *
 * <p>The answers it gives itself close the connection, since the rest of the body is not read: 413 when a chunked
 * body passes the limit, 400 for broken chunk framing, 503 when the spool is full or cannot be written.
 */
public final class BodySpoolHandler extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(BodySpoolHandler.class);
    private static final long UNCLAIMED = Long.MIN_VALUE;
    private static final String FULL = "the gateway's request body buffer is full";
    private static final String CANNOT_WRITE = "the gateway cannot buffer the request body";

    private final BodySpool spool;
    private final long maxBodySize;

    private HttpRequest head;
    private SpooledBody body;
    private boolean chunked;
    private boolean refused;
    /** Bodies handed to Camel whose exchange may not have taken them yet (discarded if the connection closes). */
    private final List<SpooledBody> handedOver = new ArrayList<>();

    public BodySpoolHandler(BodySpool spool, long maxBodySize) {
        this.spool = spool;
        this.maxBodySize = maxBodySize;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (refused) {
            ReferenceCountUtil.release(msg); // the rest of a refused upload; the connection is closing
            return;
        }
        if (msg instanceof HttpRequest request && !(msg instanceof FullHttpRequest)) {
            long length = claimedLength(request);
            if (length != UNCLAIMED) {
                start(ctx, request, length);
                return;
            }
        }
        if (msg instanceof HttpContent piece && body != null) {
            try {
                receive(ctx, piece);
            } finally {
                piece.release();
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** The declared body length of a request this handler buffers (-1 when chunked), else {@link #UNCLAIMED}. */
    private long claimedLength(HttpRequest request) {
        String expect = request.headers().get(HttpHeaderNames.EXPECT);
        if (!request.decoderResult().isSuccess() || expect != null && !"100-continue".equalsIgnoreCase(expect)) {
            return UNCLAIMED;
        }
        long length = HttpUtil.isTransferEncodingChunked(request) ? -1L : HttpUtil.getContentLength(request, 0L);
        return !spool.keepsInMemory(length) && length <= maxBodySize ? length : UNCLAIMED;
    }

    private void start(ChannelHandlerContext ctx, HttpRequest request, long length) {
        chunked = length < 0;
        try {
            body = spool.create();
        } catch (IOException e) {
            LOG.warn("Cannot buffer a request body to disk: {}", e.toString());
            refuse(ctx, request, 503, CANNOT_WRITE);
            return;
        }
        if (!chunked && !body.reserve(length)) {
            refuse(ctx, request, 503, FULL);
            return;
        }
        head = request;
        if (HttpUtil.is100ContinueExpected(request)) {
            // the gateway takes the body now; the backend is asked later, with the whole body and no Expect
            request.headers().remove(HttpHeaderNames.EXPECT);
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER));
        }
    }

    private void receive(ChannelHandlerContext ctx, HttpContent piece) {
        if (piece.decoderResult().isFailure()) {
            refuse(ctx, head, 400, "malformed request body");
            return;
        }
        int n = piece.content().readableBytes();
        if (body.length() + n > maxBodySize) {
            refuse(ctx, BodyLimitAggregator.tooLarge(head, maxBodySize));
            return;
        }
        if (chunked && !body.reserve(n)) {
            refuse(ctx, head, 503, FULL);
            return;
        }
        try {
            body.append(piece.content());
        } catch (IOException e) {
            LOG.warn("Cannot buffer a request body to disk: {}", e.toString());
            refuse(ctx, head, 503, CANNOT_WRITE);
            return;
        }
        if (piece instanceof LastHttpContent) {
            if (chunked) {
                // framing is the gateway's business now: the backend gets the length (some refuse chunked with 411)
                head.headers().remove(HttpHeaderNames.TRANSFER_ENCODING);
                head.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length());
            }
            SpooledBody done = body;
            HttpRequest request = head;
            body = null;
            head = null;
            handedOver.removeIf(SpooledBody::isSettled);
            handedOver.add(done);
            ctx.fireChannelRead(new InboundStreamHttpRequest(request, done));
        }
    }

    private void refuse(ChannelHandlerContext ctx, HttpRequest request, int status, String detail) {
        refuse(ctx, ErrorResponses.closingProblem(request, status, detail));
    }

    private void refuse(ChannelHandlerContext ctx, FullHttpResponse answer) {
        refused = true;
        discardUnfinished();
        ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
    }

    private void discardUnfinished() {
        if (body != null) {
            body.discard();
            body = null;
            head = null;
        }
    }

    /** Also when the connection closes: Netty removes every handler then. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        discardUnfinished();
        handedOver.forEach(SpooledBody::abandon);
        handedOver.clear();
    }
}
