package org.camelgateway.backend;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs blocking backend calls and counts non-blocking ones, at most {@code maxInFlight} at once; beyond that a call is rejected (503) rather
 * than queued, so an overload shows at once instead of as growing latency.
 *
 * <p>On Java 21+ each call gets a virtual thread. On Java 17 a cached pool of small-stack platform threads grows to
 * the limit and shrinks when idle.
 */
public final class BackendExecutor extends ServiceSupport implements java.util.concurrent.Executor {

    private static final Logger LOG = LoggerFactory.getLogger(BackendExecutor.class);

    private final ExecutorService delegate;
    private final Semaphore permits;

    public BackendExecutor(int maxInFlight) {
        this.permits = new Semaphore(maxInFlight);
        ExecutorService v = virtualThreadPerTask();
        this.delegate = v != null ? v : platformPool(maxInFlight);
        LOG.info("Backend calls run on {} threads, at most {} at once", v != null ? "virtual" : "platform", maxInFlight);
    }

    @Override
    public void execute(Runnable call) {
        if (!tryEnter()) {
            throw new RejectedExecutionException("more than the allowed backend calls in flight");
        }
        try {
            delegate.execute(() -> {
                try {
                    call.run();
                } finally {
                    leave();
                }
            });
        } catch (RejectedExecutionException e) {
            leave();
            throw e;
        }
    }

    /** Counts a call that does not need a thread of its own (see BackendClient); false when at the limit. */
    boolean tryEnter() {
        return permits.tryAcquire();
    }

    void leave() {
        permits.release();
    }

    /** Runs the rest of a call already counted by {@link #tryEnter()} on a thread that may block. */
    void continueWith(Runnable rest) {
        delegate.execute(rest);
    }

    /** With the context: calls already running finish, idle threads end now instead of after 30 s. Not restartable. */
    @Override
    protected void doStop() {
        delegate.shutdown();
    }

    private static ExecutorService virtualThreadPerTask() {
        if (Runtime.version().feature() < 21) {
            return null;
        }
        try {
            // reflective: the jar is compiled for Java 17
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    private static ExecutorService platformPool(int max) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, max, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(null, r, "gateway-backend-" + n.incrementAndGet(), 512 * 1024);
            t.setDaemon(true);
            return t;
        });
    }
}
