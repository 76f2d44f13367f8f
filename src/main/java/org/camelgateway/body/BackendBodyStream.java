package org.camelgateway.body;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
 * A backend's response body that is still arriving, as the blocking stream route steps and
 * {@link BlockingResponseRelay} read. The backend connection's event loop offers the body's pieces as they come; the
 * reader is a backend-executor thread, never that event loop.
 *
 * <p>At most {@link #HIGH_WATER} bytes wait here: above it the connection stops reading from the backend (TCP
 * then slows the backend down) until the reader has taken the queue below {@link #LOW_WATER}, as nginx does with
 * {@code proxy_buffering off}.
 *
 * <p>When the response goes to a client connection on the same event loop, {@link #relay} hands the body over to
 * that loop instead: each piece is written to the client as it arrives, and the backend pauses while the client's
 * connection is not writable. No thread then takes the pieces in between (measured: 425 context switches per
 * 10 MiB body with the reader thread; src/bench/RESULTS.md).
 */
public final class BackendBodyStream extends InputStream {

    private static final Logger LOG = LoggerFactory.getLogger(BackendBodyStream.class);

    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;

    private final Channel backend;
    private final long timeoutMillis;
    private final ArrayDeque<ByteBuf> pieces = new ArrayDeque<>();
    private long queued;
    private boolean ended;
    private boolean closed;
    private IOException failure;
    private LoopRelay relay;

    /** @param timeoutMillis how long a read waits for the backend's next piece (0: no limit) */
    public BackendBodyStream(Channel backend, long timeoutMillis) {
        this.backend = backend;
        this.timeoutMillis = timeoutMillis;
    }

    // --- the event loop's side

    /** Takes ownership of {@code piece}. */
    public void offer(ByteBuf piece) {
        boolean pause;
        LoopRelay to;
        synchronized (this) {
            if (closed || !piece.isReadable()) {
                piece.release();
                return;
            }
            to = relay;
            if (to == null) {
                pieces.add(piece);
                queued += piece.readableBytes();
            }
            pause = queued > HIGH_WATER;
            notifyAll();
        }
        if (to != null) {
            to.send(piece);
        } else if (pause) {
            backend.config().setAutoRead(false);
        }
    }

    public void end() {
        LoopRelay to;
        synchronized (this) {
            ended = true;
            to = relay;
            notifyAll();
        }
        if (to != null) {
            to.finish();
        }
    }

    public void fail(IOException cause) {
        LoopRelay to;
        synchronized (this) {
            if (ended) {
                return;
            }
            failure = cause;
            to = relay;
            notifyAll();
        }
        if (to != null) {
            to.stop(cause);
        }
    }

    /** True once every byte has arrived; the connection can then serve another request. */
    public synchronized boolean isComplete() {
        return ended;
    }

    // --- the reader's side

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        boolean resume;
        int n;
        synchronized (this) {
            awaitPiece();
            if (pieces.isEmpty()) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
            ByteBuf piece = pieces.peek();
            n = Math.min(length, piece.readableBytes());
            piece.readBytes(into, offset, n);
            if (!piece.isReadable()) {
                pieces.poll().release();
            }
            long before = queued;
            queued -= n;
            resume = before > LOW_WATER && queued <= LOW_WATER && !ended;
        }
        if (resume) {
            backend.eventLoop().execute(() -> {
                backend.config().setAutoRead(true);
                backend.read();
            });
        }
        return n;
    }

    /** Waits until a piece, the end or a failure is in, at most the read timeout; with the lock held. */
    private void awaitPiece() throws IOException {
        long deadline = timeoutMillis > 0 ? System.nanoTime() + timeoutMillis * 1_000_000 : 0;
        while (pieces.isEmpty() && !ended && failure == null && !closed) {
            long waitMillis = deadline == 0 ? 0 : (deadline - System.nanoTime()) / 1_000_000;
            if (deadline != 0 && waitMillis <= 0) {
                throw new SocketTimeoutException("backend sent nothing for " + timeoutMillis + " ms");
            }
            try {
                wait(waitMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the backend's body", e);
            }
        }
        if (closed) {
            throw new IOException("stream closed");
        }
    }

    // --- relaying on the event loop

    /** Whether {@code client} is served by the event loop this body arrives on, so {@link #relay} can be used. */
    public boolean sharesLoopWith(Channel client) {
        return client != null && client.eventLoop() == backend.eventLoop();
    }

    /**
     * Waits, at most the read timeout, until the body's first piece, its end or its failure is in, so that a
     * backend failing at once is still answered 502 rather than with a cut-off 200.
     *
     * @return false if the body turned out to be empty
     */
    public synchronized boolean awaitFirst() throws IOException {
        awaitPiece();
        if (pieces.isEmpty() && failure != null) {
            throw failure;
        }
        return !pieces.isEmpty();
    }

    /**
     * Writes {@code head} and then the body to {@code client} on the event loop both connections share, each piece
     * as it arrives, framed as {@link BlockingResponseRelay#relay} frames it. The backend pauses while the client's
     * connection is not writable; a client that accepts nothing for {@code sendTimeoutMillis}, a backend that sends
     * nothing for the read timeout, a backend failure or a client that goes away close the client connection, as
     * the status line has gone out.
     *
     * @return completed with the body bytes written once the relay is over
     */
    public CompletableFuture<Long> relay(Channel client, HttpResponse head, boolean close, long sendTimeoutMillis) {
        LoopRelay to = new LoopRelay(client, close, sendTimeoutMillis);
        client.eventLoop().execute(() -> to.start(head));
        return to.done;
    }

    /** The loop's side of {@link #relay}; every method runs on the event loop. */
    private final class LoopRelay {

        private final Channel client;
        private final boolean close;
        private final long sendTimeoutMillis;
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private long relayed;
        private boolean paused;
        private long lastPiece = System.nanoTime();
        private ScheduledFuture<?> idleCheck;
        private final ChannelFutureListener clientClosed = f -> stop(new IOException("client closed the connection"));

        LoopRelay(Channel client, boolean close, long sendTimeoutMillis) {
            this.client = client;
            this.close = close;
            this.sendTimeoutMillis = sendTimeoutMillis;
        }

        void start(HttpResponse head) {
            client.write(head);
            List<ByteBuf> waiting;
            boolean over;
            IOException failed;
            synchronized (BackendBodyStream.this) {
                if (closed) {
                    stop(new IOException("stream closed"));
                    return;
                }
                waiting = new ArrayList<>(pieces);
                pieces.clear();
                queued = 0;
                over = ended;
                failed = failure;
                relay = this;
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
            boolean over;
            synchronized (BackendBodyStream.this) {
                over = ended || closed;
            }
            if (!over && !done.isDone()) {
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
            BackendBodyStream.this.close();
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
            BackendBodyStream.this.close(); // gives the backend connection up unless its body had ended
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

    @Override
    public synchronized int available() {
        return (int) Math.min(Integer.MAX_VALUE, queued);
    }

    /** Closing before the end gives the connection up: nobody will read the rest of the body. */
    @Override
    public void close() {
        boolean abort;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            abort = !ended;
            pieces.forEach(ByteBuf::release);
            pieces.clear();
            queued = 0;
            notifyAll();
        }
        if (abort) {
            backend.close();
        }
    }
}
