package org.camelgateway.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelHandlerContext;

/**
 * Holds new requests at the edge while the route set is swapped, so that no request meets the moment when the old
 * routes are gone and the new ones not yet started: held connections stop reading and resume, in order, once the
 * swap is done. The listener's port stays bound throughout.
 */
public final class ReloadGate {

    private final AtomicBoolean holding = new AtomicBoolean();
    private final AtomicInteger admitting = new AtomicInteger();
    private final List<Runnable> waiting = new ArrayList<>();

    public boolean isHolding() {
        return holding.get();
    }

    /**
     * A request may go on to the routes: true unless the gate is closed. Until {@link #admitted()} the request
     * counts as on its way, so a swap that starts meanwhile waits for it ({@link #awaitAdmissions}): checking
     * {@link #isHolding()} and then handing the request on is not one step.
     */
    public boolean tryAdmit() {
        admitting.incrementAndGet();
        if (holding.get()) {
            admitting.decrementAndGet();
            return false;
        }
        return true;
    }

    /** The admitted request has reached the routes (or will never reach them). */
    public void admitted() {
        admitting.decrementAndGet();
    }

    /** After {@link #hold()}: waits until every admitted request has reached the routes, at most {@code timeout}. */
    public void awaitAdmissions(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (admitting.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
    }

    /**
     * Parks a connection whose next message must wait; {@code resume} runs on release, on the connection's own
     * event loop. Returns false if the gate opened meanwhile (the caller goes on at once).
     */
    public synchronized boolean park(ChannelHandlerContext ctx, Runnable resume) {
        if (!holding.get()) {
            return false;
        }
        ctx.channel().config().setAutoRead(false);
        waiting.add(() -> ctx.executor().execute(() -> {
            ctx.channel().config().setAutoRead(true);
            resume.run();
        }));
        return true;
    }

    public void hold() {
        holding.set(true);
    }

    public void release() {
        List<Runnable> resumes;
        synchronized (this) {
            holding.set(false);
            resumes = new ArrayList<>(waiting);
            waiting.clear();
        }
        resumes.forEach(Runnable::run);
    }
}
