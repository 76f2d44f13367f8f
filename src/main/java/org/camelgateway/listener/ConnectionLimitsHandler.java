package org.camelgateway.listener;

import org.camelgateway.errors.ErrorResponses;
import org.camelgateway.transport.DeadlineTimer;

import java.time.Duration;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;

/**
 * First in each connection's pipeline (right after TLS, if any), on raw bytes: caps open connections, gives a client
 * a fixed time from accept, or from the first byte of a later request, to finish its request head (slowloris: 408,
 * then close; a connection that sent nothing is closed without an answer), and closes keep-alive connections that
 * stay idle (nginx's client_header_timeout and keepalive_timeout). {@link RequestOrderHandler} tells it when a head is complete
 * and when a response has been written.
 */
public final class ConnectionLimitsHandler extends ChannelDuplexHandler {

    private final ListenerSettings settings;
    private boolean counted;
    private boolean awaitingHead = true;
    private DeadlineTimer timer;
    /** When the current wait (for a head to complete, or for the next request) ends. */
    private long deadline;
    private boolean headTimerRunning;
    /** Bytes of the next head have arrived. */
    private boolean headStarted;
    private boolean readingBody;
    private boolean inputClosed;

    public ConnectionLimitsHandler(ListenerSettings settings) {
        this.settings = settings;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        counted = true;
        if (settings.openConnections().incrementAndGet() > settings.maxConnections()) {
            writeRaw(ctx, 503, "the gateway is at its connection limit");
            return;
        }
        // the head wait counts from accept (nginx's client_header_timeout): a silent connection holds a slot too
        headTimerRunning = true;
        waitFor(ctx, settings.headerTimeout());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (counted) {
            settings.openConnections().decrementAndGet();
            counted = false;
        }
        if (timer != null) {
            timer.cancel();
        }
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (awaitingHead && !headStarted && msg instanceof ByteBuf buf && buf.isReadable()) {
            headStarted = true;
            if (!headTimerRunning) {
                headTimerRunning = true;
                waitFor(ctx, settings.headerTimeout());
            }
        }
        super.channelRead(ctx, msg);
    }

    /**
     * The client half-closed its side (sent FIN after its request, as some clients do). An unfinished head or body
     * can never complete (400); a request in progress is answered, then the connection closed.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputClosed = true;
            if (awaitingHead && !headStarted) {
                ctx.close();
                return;
            }
            // the rest of the head or body can never come
            if (awaitingHead) {
                writeRaw(ctx, 400, "request head incomplete");
                return;
            }
            if (readingBody) {
                writeRaw(ctx, 400, "request body incomplete");
                return;
            }
        }
        super.userEventTriggered(ctx, evt);
    }

    /** The head of the current request is complete: its body and the backend may take as long as they need. */
    void headReceived() {
        awaitingHead = false;
        headTimerRunning = false;
        headStarted = false;
        readingBody = true;
    }

    /** The current request's body is complete: it is the gateway's turn to answer. */
    void bodyReceived() {
        readingBody = false;
    }

    /** The response to the current request is written: the connection is idle until the next request starts. */
    void responseWritten(ChannelHandlerContext ctx) {
        awaitingHead = true;
        headTimerRunning = false;
        if (inputClosed) {
            ctx.close();
        } else {
            waitFor(ctx, settings.idleTimeout());
        }
    }

    /** Starts a wait of {@code timeout}; one pending check serves every wait of the connection (DeadlineTimer). */
    private void waitFor(ChannelHandlerContext ctx, Duration timeout) {
        deadline = System.nanoTime() + timeout.toNanos();
        if (timer == null) {
            timer = new DeadlineTimer(ctx.executor(), () -> check(ctx));
        }
        timer.runBy(deadline);
    }

    private void check(ChannelHandlerContext ctx) {
        if (!awaitingHead) {
            return; // a request is being read or answered: no wait until its response is written
        }
        if (System.nanoTime() - deadline < 0) {
            timer.runBy(deadline);
        } else if (!headStarted) {
            // idle keep-alive connection, or one that never sent a byte: nothing to answer (nginx closes too)
            ctx.close();
        } else if (ctx.channel().isActive()) {
            writeRaw(ctx, 408, "request head not received in time");
        }
    }

    /** A whole response as bytes: this handler sits before the HTTP encoder. */
    private static void writeRaw(ChannelHandlerContext ctx, int status, String detail) {
        ctx.writeAndFlush(ErrorResponses.closingProblemBytes(status, detail)).addListener(ChannelFutureListener.CLOSE);
    }
}
