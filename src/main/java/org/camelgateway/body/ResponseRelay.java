package org.camelgateway.body;

import java.time.Duration;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponse;

/** Writes a response's head and then its body as the body arrives from the backend ({@link ResponseBodies}). */
public interface ResponseRelay {

    /**
     * Writes {@code head} and then the body, framed by the head's {@code Content-Length}, else chunked, or for a
     * client that cannot take chunks ({@code chunkable} false, HTTP/1.0) by closing the connection at the end. Never
     * throws: a backend that fails mid-body or a client that does not read within {@code sendTimeout} closes the
     * client connection, since the status line has already gone out (nginx does the same; the client sees a short
     * body or a missing last chunk). Returns once the body is over, so the exchange ends with it.
     *
     * @return body bytes written to the client
     */
    long relay(Channel client, HttpResponse head, boolean chunkable, Duration sendTimeout);
}
