package org.camelgateway.listener;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder with strict line parsing, and one change: a request with both
 * {@code Transfer-Encoding: chunked} and {@code Content-Length} keeps both headers. Netty drops the
 * {@code Content-Length} (RFC 9112 6.3 allows it), which would hide the conflict from {@link RequestOrderHandler}; a
 * gateway must refuse such a request rather than guess which framing a backend will believe.
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {

    public StrictRequestDecoder(int maxInitialLineLength, int maxHeaderSize, int maxChunkSize) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(maxInitialLineLength)
                .setMaxHeaderSize(maxHeaderSize)
                .setMaxChunkSize(maxChunkSize)
                .setStrictLineParsing(true));
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        // keep Content-Length: RequestOrderHandler answers 400 and closes before any of the body is used
    }
}
