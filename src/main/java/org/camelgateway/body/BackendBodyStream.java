package org.camelgateway.body;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * A backend's response body that is still arriving, as the blocking stream route steps and
 * {@link BlockingResponseRelay} read. The backend connection's event loop offers the body's pieces as they come; the
 * reader is a backend-executor thread, never that event loop.
 *
 * <p>At most {@link #HIGH_WATER} bytes wait here: above it the connection stops reading from the backend (TCP
 * then slows the backend down) until the reader has taken the queue below {@link #LOW_WATER}, as nginx does with
 * {@code proxy_buffering off}.
 *
 * <p>When the response goes to a client connection on the same event loop, {@link LoopResponseRelay} takes the body
 * over on that loop instead: each piece is written to the client as it arrives, and no thread takes the pieces in
 * between (a reader thread cost 425 context switches per 10 MiB body; src/bench/RESULTS.md).
 */
public final class BackendBodyStream extends InputStream {

    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;

    private final Channel backend;
    private final long timeoutMillis;
    private final ArrayDeque<ByteBuf> pieces = new ArrayDeque<>();
    private long queued;
    private boolean ended;
    private boolean closed;
    private IOException failure;
    private LoopResponseRelay relay;

    /** @param timeoutMillis how long a read waits for the backend's next piece (0: no limit) */
    public BackendBodyStream(Channel backend, long timeoutMillis) {
        this.backend = backend;
        this.timeoutMillis = timeoutMillis;
    }

    // --- the event loop's side

    /** Takes ownership of {@code piece}. */
    public void offer(ByteBuf piece) {
        boolean pause;
        LoopResponseRelay to;
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
        LoopResponseRelay to;
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
        LoopResponseRelay to;
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

    // --- the event-loop relay's side (LoopResponseRelay)

    /** Whether {@code client} is served by the event loop this body arrives on, as {@link LoopResponseRelay} needs. */
    boolean sharesLoopWith(Channel client) {
        return client != null && client.eventLoop() == backend.eventLoop();
    }

    /**
     * Waits, at most the read timeout, until the body's first piece, its end or its failure is in, so that a
     * backend failing at once is still answered 502 rather than with a cut-off 200.
     *
     * @return false if the body turned out to be empty
     */
    synchronized boolean awaitFirst() throws IOException {
        awaitPiece();
        if (pieces.isEmpty() && failure != null) {
            throw failure;
        }
        return !pieces.isEmpty();
    }

    /**
     * Hands the body over to {@code to}, which from now on gets every piece, the end and the failure as they come.
     *
     * @return the pieces that arrived before, or null if the stream is closed
     */
    synchronized List<ByteBuf> handOver(LoopResponseRelay to) {
        if (closed) {
            return null;
        }
        List<ByteBuf> waiting = new ArrayList<>(pieces);
        pieces.clear();
        queued = 0;
        relay = to;
        return waiting;
    }

    /** Whether the relay may still ask the backend for more: the body has neither ended nor been closed. */
    synchronized boolean isOpen() {
        return !ended && !closed;
    }

    synchronized IOException failure() {
        return failure;
    }

    Channel backend() {
        return backend;
    }

    long timeoutMillis() {
        return timeoutMillis;
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
