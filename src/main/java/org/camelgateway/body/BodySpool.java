package org.camelgateway.body;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where request bodies wait while the gateway routes them, as nginx buffers them by default
 * ({@code client_body_buffer_size}, then a temporary file).
 *
 * <p>A body with a known length up to {@code memoryLimit} bytes is aggregated in memory. A larger one, or one sent
 * chunked, is written to a file as it arrives: memory per upload stays at one network read however large the body
 * and however many arrive at once (aggregating them in Netty's direct memory ran the JVM out of it with a few
 * dozen parallel 10 MB uploads). The file is repeatable, so failover and retries resend the same bytes, and a
 * route step may read it like any Camel stream cache.
 *
 * <p>All files together hold at most {@code diskLimit} bytes; an upload that would pass it is answered 503 before
 * its body is read, rather than filling the disk (or a Kubernetes {@code emptyDir} over its size limit, which
 * evicts the pod).
 */
public final class BodySpool {

    private final Path dir;
    private final int memoryLimit;
    private final long diskLimit;
    private final AtomicLong onDisk = new AtomicLong();

    public BodySpool(Path dir, int memoryLimit, long diskLimit) {
        this.dir = dir;
        this.memoryLimit = memoryLimit;
        this.diskLimit = diskLimit;
    }

    /** A body of this declared length (-1 when chunked, 0 when there is none) is kept in memory, not spooled. */
    boolean keepsInMemory(long contentLength) {
        return contentLength >= 0 && contentLength <= memoryLimit;
    }

    /** A new, empty file for one body. */
    SpooledBody create() throws IOException {
        Files.createDirectories(dir);
        return SpooledBody.create(dir, this);
    }

    /** Takes {@code bytes} from the disk budget; false (and nothing taken) if that would pass the limit. */
    boolean reserve(long bytes) {
        long now;
        do {
            now = onDisk.get();
            if (now + bytes > diskLimit) {
                return false;
            }
        } while (!onDisk.compareAndSet(now, now + bytes));
        return true;
    }

    void release(long bytes) {
        onDisk.addAndGet(-bytes);
    }

    /** Bytes of request bodies on disk (or reserved for bodies still arriving) now. */
    public long bytesOnDisk() {
        return onDisk.get();
    }
}
