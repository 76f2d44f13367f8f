package org.camelgateway.body;

import org.camelgateway.errors.ErrorResponses;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Netty's aggregator with a real answer when a request body is over the limit: 413 with a problem body and the
 * request id, instead of an empty 413. A declared {@code Content-Length} over the limit is refused before any of
 * the body is read, as is an {@code Expect: 100-continue} request.
 */
public final class BodyLimitAggregator extends HttpObjectAggregator {

    public BodyLimitAggregator(int maxContentLength) {
        super(maxContentLength, true);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        ctx.writeAndFlush(tooLarge(oversized)).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
        if (HttpUtil.is100ContinueExpected(start) && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
            return tooLarge(start);
        }
        return super.newContinueResponse(start, maxContentLength, pipeline);
    }

    @Override
    protected boolean closeAfterContinueResponse(Object msg) {
        return msg instanceof FullHttpResponse r && r.status().code() == 413 || super.closeAfterContinueResponse(msg);
    }

    private FullHttpResponse tooLarge(HttpMessage request) {
        return tooLarge(request, maxContentLength());
    }

    /** The 413 for a body over {@code limit}, also sent by {@link BodySpoolHandler} for chunked bodies it buffers. */
    static FullHttpResponse tooLarge(HttpMessage request, long limit) {
        return ErrorResponses.closingProblem(request, 413, "request body is over the limit of " + limit + " bytes");
    }
}
