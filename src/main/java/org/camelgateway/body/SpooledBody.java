package org.camelgateway.body;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

import io.netty.buffer.ByteBuf;
import org.apache.camel.Exchange;
import org.apache.camel.StreamCache;

/**
 * A request body in a temporary file (see {@link BodySpool}), read by Camel as a stream cache: repeatable, with a
 * known length, copies share the file.
 *
 * <p>The file is unlinked as soon as it is open, so the disk space comes back when the exchange completes (or the
 * connection closes before it did) and no file outlives the process, even after {@code kill -9}. Reads are
 * positional, so copies in a multicast or a retry never disturb one another.
 */
public final class SpooledBody extends InputStream implements StreamCache {

    private static final int COPY_CHUNK = 64 * 1024;

    /** The file and its accounting, shared by a body and its copies. */
    private static final class Storage {
        final FileChannel channel;
        final BodySpool spool;
        final AtomicBoolean adopted = new AtomicBoolean();
        final AtomicBoolean discarded = new AtomicBoolean();
        long length;
        long reserved;

        Storage(FileChannel channel, BodySpool spool) {
            this.channel = channel;
            this.spool = spool;
        }
    }

    private final Storage storage;
    private long position;

    private SpooledBody(Storage storage) {
        this.storage = storage;
    }

    static SpooledBody create(Path dir, BodySpool spool) throws IOException {
        Path file = Files.createTempFile(dir, "gateway-body-", ".tmp");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
        try {
            Files.delete(file);
        } catch (IOException notOnThisFileSystem) {
            // DELETE_ON_CLOSE removes it when the body is discarded
        }
        return new SpooledBody(new Storage(channel, spool));
    }

    /** Takes {@code bytes} more of the spool's disk budget for this body; false if the spool is full. */
    boolean reserve(long bytes) {
        if (!storage.spool.reserve(bytes)) {
            return false;
        }
        storage.reserved += bytes;
        return true;
    }

    /** Appends a received piece of the body (on the event loop, before the body is handed to a route). */
    void append(ByteBuf piece) throws IOException {
        while (piece.isReadable()) {
            storage.length += piece.readBytes(storage.channel, storage.length, piece.readableBytes());
        }
    }

    /** An exchange has the body: its completion discards it from now on. */
    public void adopt() {
        storage.adopted.set(true);
    }

    /** The connection closed: the body goes unless an exchange has it (which then fails on a client that left). */
    void abandon() {
        if (!storage.adopted.get()) {
            discard();
        }
    }

    /** Taken by an exchange or already gone: the connection need not keep track of it. */
    boolean isSettled() {
        return storage.adopted.get() || storage.discarded.get();
    }

    /** Closes the file and returns its disk budget; any copy of the body can no longer be read. */
    public void discard() {
        if (storage.discarded.compareAndSet(false, true)) {
            try {
                storage.channel.close();
            } catch (IOException ignored) {
                // nothing left to do: the file is unlinked either way
            }
            storage.spool.release(storage.reserved);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        long left = storage.length - position;
        if (left <= 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = storage.channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), position);
        if (n > 0) {
            position += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, storage.length - position));
        position += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return (int) Math.min(Integer.MAX_VALUE, storage.length - position);
    }

    /** Does nothing: the body stays readable until its exchange completes (Camel closes streams it has read). */
    @Override
    public void close() {
    }

    @Override
    public void reset() {
        position = 0;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        byte[] chunk = new byte[(int) Math.min(COPY_CHUNK, Math.max(1, storage.length))];
        for (long at = 0; at < storage.length; ) {
            int n = storage.channel.read(ByteBuffer.wrap(chunk, 0, (int) Math.min(chunk.length, storage.length - at)), at);
            if (n < 0) {
                throw new IOException("request body file is shorter than its length");
            }
            out.write(chunk, 0, n);
            at += n;
        }
    }

    @Override
    public StreamCache copy(Exchange exchange) {
        return new SpooledBody(storage);
    }

    @Override
    public boolean inMemory() {
        return false;
    }

    @Override
    public long length() {
        return storage.length;
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public String toString() {
        return "request body of " + storage.length + " bytes (spooled)";
    }
}
