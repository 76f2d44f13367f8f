package org.camelgateway.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.channel.ChannelHandlerContext;

/**
 * Holds new requests at the edge while the route set is swapped, so that no request meets the moment when the old
 * routes are gone and the new ones not yet started: held connections stop reading and resume, in order, once the
 * swap is done. The listener's port stays bound throughout.
 */
public final class ReloadGate {

    private final AtomicBoolean holding = new AtomicBoolean();
    private final List<Runnable> waiting = new ArrayList<>();

    public boolean isHolding() {
        return holding.get();
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
