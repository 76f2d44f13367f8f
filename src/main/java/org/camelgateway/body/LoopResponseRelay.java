package org.camelgateway.body;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a {@link BackendBodyStream} to a client connection on the event loop both connections share: each piece is
 * written to the client as it arrives, and the backend pauses while the client's connection is not writable. No
 * thread then takes the pieces in between, as {@link BlockingResponseRelay} must for the other bodies (measured: 425
 * context switches per 10 MiB body with the reader thread; README, Benchmarks).
 *
 * <p>A client that accepts nothing for the send timeout, a backend that sends nothing for its read timeout, a backend
 * failure or a client that goes away close the client connection, as the status line has gone out. Every method but
 * {@link #relay} runs on the event loop.
 */
public final class LoopResponseRelay implements ResponseRelay {

    private static final Logger LOG = LoggerFactory.getLogger(LoopResponseRelay.class);

    private final BackendBodyStream body;
    private final Channel backend;
    private final long timeoutMillis;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    // set once by relay(), before the loop runs start(): the loop's execute() makes them visible there
    private Channel client;
    private boolean close;
    private long sendTimeoutMillis;
    private long relayed;
    private boolean paused;
    private long lastPiece = System.nanoTime();
    private ScheduledFuture<?> idleCheck;
    private final ChannelFutureListener clientClosed = f -> stop(new IOException("client closed the connection"));

    LoopResponseRelay(BackendBodyStream body) {
        this.body = body;
        this.backend = body.backend();
        this.timeoutMillis = body.timeoutMillis();
    }

    /** Framed as {@link BlockingResponseRelay#relay} frames it; waits for the relay, which runs on the loop. */
    @Override
    public long relay(Channel client, HttpResponse head, boolean chunkable, Duration sendTimeout) {
        this.client = client;
        this.close = BlockingResponseRelay.frame(head, chunkable);
        this.sendTimeoutMillis = sendTimeout.toMillis();
        client.eventLoop().execute(() -> start(head));
        return done.join();
    }

    private void start(HttpResponse head) {
        client.write(head);
        List<ByteBuf> waiting;
        boolean over;
        IOException failed;
        synchronized (body) { // the hand-over and what it saw, as one step against offer(), end() and fail()
            waiting = body.handOver(this);
            if (waiting == null) {
                stop(new IOException("stream closed"));
                return;
            }
            over = body.isComplete();
            failed = body.failure();
        }
        client.closeFuture().addListener(clientClosed);
        for (ByteBuf piece : waiting) {
            send(piece);
        }
        if (failed != null) {
            stop(failed);
        } else if (over) {
            finish();
        } else {
            if (!paused) {
                resume(); // offer() may have paused the backend while the pieces waited for this loop
            }
            if (timeoutMillis > 0) {
                idleCheck = client.eventLoop().schedule(this::checkIdle, timeoutMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    void send(ByteBuf piece) {
        if (done.isDone()) {
            piece.release();
            return;
        }
        lastPiece = System.nanoTime();
        relayed += piece.readableBytes();
        ChannelFuture written = client.writeAndFlush(new DefaultHttpContent(piece));
        if (!client.isWritable() && !paused) {
            // the client is behind: stop reading from the backend until this piece is out (TCP then slows
            // the backend down), for at most the send timeout
            paused = true;
            backend.config().setAutoRead(false);
            ScheduledFuture<?> sendCheck = client.eventLoop().schedule(
                    () -> stop(new IOException("client did not read within " + sendTimeoutMillis + " ms")),
                    sendTimeoutMillis, TimeUnit.MILLISECONDS);
            written.addListener(f -> {
                // cancelled, not left to expire: a fast client pauses the relay many times per body
                sendCheck.cancel(false);
                if (f.isSuccess()) {
                    paused = false;
                    resume();
                }
            });
        }
        // a failed write closes the client connection, and its close stops the relay
        written.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    private void resume() {
        if (body.isOpen() && !done.isDone()) {
            backend.config().setAutoRead(true);
            backend.read();
        }
    }

    private void checkIdle() {
        if (done.isDone()) {
            return;
        }
        long idleNanos = System.nanoTime() - lastPiece;
        long limit = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        if (!paused && idleNanos >= limit) {
            stop(new SocketTimeoutException("backend sent nothing for " + timeoutMillis + " ms"));
        } else {
            idleCheck = client.eventLoop().schedule(this::checkIdle,
                    Math.max(1, TimeUnit.NANOSECONDS.toMillis(paused ? limit : limit - idleNanos)),
                    TimeUnit.MILLISECONDS);
        }
    }

    void finish() {
        if (done.isDone()) {
            return;
        }
        detachFromClient();
        ChannelFuture end = client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (close) {
            end.addListener(ChannelFutureListener.CLOSE);
        }
        body.close();
        done.complete(relayed);
    }

    void stop(IOException cause) {
        if (done.isDone()) {
            return;
        }
        detachFromClient();
        LOG.debug("Response relay stopped after {} bytes: {}", relayed, cause.toString());
        client.flush();
        client.close();
        body.close(); // gives the backend connection up unless its body had ended
        done.complete(relayed);
    }

    /** Whatever ended the relay: no more checks, and the connection, kept alive, forgets this body. */
    private void detachFromClient() {
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        client.closeFuture().removeListener(clientClosed);
    }
}
