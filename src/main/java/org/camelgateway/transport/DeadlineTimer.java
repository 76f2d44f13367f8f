package org.camelgateway.transport;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;

/**
 * One pending timeout check for a connection whose deadline moves with every request, on its event loop. A check
 * still pending is kept when it comes no later than the new deadline; when it fires, the owner looks at the wait
 * in force then and calls {@link #runBy} again for the rest (as Netty's IdleStateHandler does). On a busy
 * keep-alive connection that saves a schedule and a cancel on the loop's timer queue per request, which at 1,000
 * connections was 6% of the gateway's CPU.
 */
public final class DeadlineTimer {

    private final EventExecutor loop;
    private final Runnable check;
    private ScheduledFuture<?> pending;
    private long due;

    /** {@code check} runs on {@code loop} at or after the earliest deadline asked for. */
    public DeadlineTimer(EventExecutor loop, Runnable check) {
        this.loop = loop;
        this.check = check;
    }

    /** Makes sure the check runs by {@code deadline} ({@link System#nanoTime()} based). */
    public void runBy(long deadline) {
        if (pending != null) {
            if (due - deadline <= 0) {
                return;
            }
            pending.cancel(false);
        }
        due = deadline;
        pending = loop.schedule(this::fire, deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /** No check any more: the connection is closed. */
    public void cancel() {
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    private void fire() {
        pending = null;
        check.run();
    }
}
