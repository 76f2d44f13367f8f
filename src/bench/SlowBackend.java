import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;

/**
 * The slow backend of the load test (src/bench/bench.sh), NOT part of the gateway: answers every request on
 * 127.0.0.1:PORT with 200 "slow" after DELAY_MS (default 50). Run with: java src/bench/SlowBackend.java PORT [DELAY_MS]
 *
 * <p>It has to hold 1,000 connections at 50 ms (about 20k req/s) on a machine it shares with the client and the
 * proxies, so it uses one thread and one selector instead of a thread per request: a request is parked in a FIFO
 * queue and answered when its time is up. The delay is the same for every request, so the queue is always in
 * deadline order and needs no sorting. HTTP/1.1 keep-alive and pipelining are supported; HTTP/1.0 connections are
 * closed after the answer, which the protocol allows, so no {@code Connection: keep-alive} handling is needed.
 */
public final class SlowBackend {

    private static final byte[] BODY = "slow\n".getBytes(StandardCharsets.US_ASCII);
    private static final ByteBuffer KEEP_ALIVE = response("");
    private static final ByteBuffer CLOSE = response("Connection: close\r\n");
    /** A request's line and headers must fit; bodies need not (they are skipped as they arrive). */
    private static final int HEAD_LIMIT = 16 * 1024;

    private final Selector selector;
    private final long delayNanos;
    private final ArrayDeque<Conn> due = new ArrayDeque<>();

    /** One client connection: at most one request is answered at a time, the ones after it wait in {@code in}. */
    private static final class Conn {
        final SocketChannel channel;
        final SelectionKey key;
        final ByteBuffer in = ByteBuffer.allocate(HEAD_LIMIT);
        long bodyToSkip;
        long dueAt;
        boolean close;
        ByteBuffer out;

        Conn(SocketChannel channel, SelectionKey key) {
            this.channel = channel;
            this.key = key;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: java src/bench/SlowBackend.java PORT [DELAY_MS]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        long delayMs = args.length > 1 ? Long.parseLong(args[1]) : 50;
        new SlowBackend(port, delayMs).run();
    }

    private SlowBackend(int port, long delayMs) throws IOException {
        this.selector = Selector.open();
        this.delayNanos = delayMs * 1_000_000L;
        ServerSocketChannel server = ServerSocketChannel.open();
        server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        // the load opens 1,000 connections at once; a short accept queue would drop SYNs and add 1 s retries
        server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
        server.configureBlocking(false);
        server.register(selector, SelectionKey.OP_ACCEPT);
        System.out.println("slow backend on http://127.0.0.1:" + port + " answering after " + delayMs + " ms");
    }

    private void run() throws IOException {
        while (true) {
            if (due.isEmpty()) {
                selector.select();
            } else {
                long waitNanos = due.peekFirst().dueAt - System.nanoTime();
                if (waitNanos <= 0) {
                    selector.selectNow();
                } else {
                    // select() counts whole milliseconds: round up so no answer leaves early
                    selector.select((waitNanos + 999_999) / 1_000_000);
                }
            }
            Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
            while (keys.hasNext()) {
                SelectionKey key = keys.next();
                keys.remove();
                try {
                    if (key.isAcceptable()) {
                        accept((ServerSocketChannel) key.channel());
                    } else if (key.isReadable()) {
                        read((Conn) key.attachment());
                    } else if (key.isWritable()) {
                        write((Conn) key.attachment());
                    }
                } catch (IOException e) {
                    // a client that reset its connection: only that connection ends
                    if (key.attachment() instanceof Conn c) {
                        close(c);
                    }
                }
            }
            long now = System.nanoTime();
            while (!due.isEmpty() && due.peekFirst().dueAt - now <= 0) {
                Conn c = due.pollFirst();
                try {
                    answer(c, c.close ? CLOSE : KEEP_ALIVE);
                } catch (IOException e) {
                    close(c);
                }
            }
        }
    }

    private void accept(ServerSocketChannel server) throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SelectionKey key = ch.register(selector, SelectionKey.OP_READ);
            key.attach(new Conn(ch, key));
        }
    }

    private void read(Conn c) throws IOException {
        if (c.channel.read(c.in) < 0) {
            close(c);
            return;
        }
        nextRequest(c);
    }

    /** Takes the next complete request out of the buffer, if there is one, and schedules its answer. */
    private void nextRequest(Conn c) throws IOException {
        ByteBuffer in = c.in;
        in.flip();
        long skip = Math.min(c.bodyToSkip, in.remaining());
        in.position(in.position() + (int) skip);
        c.bodyToSkip -= skip;
        int end = c.bodyToSkip == 0 ? headEnd(in) : -1;
        if (end < 0) {
            in.compact();
            if (!in.hasRemaining()) {
                c.close = true;
                answer(c, response(431));
            }
            return;
        }
        String head = new String(in.array(), in.position(), end - in.position(), StandardCharsets.ISO_8859_1);
        in.position(end + 4);
        in.compact();
        if (!parse(c, head)) {
            return;
        }
        c.dueAt = System.nanoTime() + delayNanos;
        due.addLast(c);
        // nothing more is read until this request is answered: pipelined requests wait in the socket
        c.key.interestOps(0);
    }

    /** Reads what the answer depends on: keep-alive and the length of a body to skip. False when refused. */
    private boolean parse(Conn c, String head) throws IOException {
        String[] lines = head.split("\r\n");
        boolean http11 = lines[0].endsWith(" HTTP/1.1");
        c.close = !http11;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "connection" -> c.close |= value.contains("close");
                case "content-length" -> c.bodyToSkip = Long.parseLong(value);
                // a test backend needs no chunked uploads: refuse them plainly instead of misreading the stream
                case "transfer-encoding" -> {
                    c.close = true;
                    answer(c, response(411));
                    return false;
                }
                default -> { }
            }
        }
        return true;
    }

    private static int headEnd(ByteBuffer in) {
        byte[] a = in.array();
        for (int i = in.position(); i + 3 < in.limit(); i++) {
            if (a[i] == '\r' && a[i + 1] == '\n' && a[i + 2] == '\r' && a[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void answer(Conn c, ByteBuffer response) throws IOException {
        c.out = response.duplicate();
        write(c);
    }

    private void write(Conn c) throws IOException {
        c.channel.write(c.out);
        if (c.out.hasRemaining()) {
            c.key.interestOps(SelectionKey.OP_WRITE);
            return;
        }
        c.out = null;
        if (c.close) {
            close(c);
            return;
        }
        c.key.interestOps(SelectionKey.OP_READ);
        nextRequest(c);
    }

    private static void close(Conn c) {
        c.key.cancel();
        try {
            c.channel.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static ByteBuffer response(String extraHeaders) {
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + BODY.length + "\r\n"
                + extraHeaders + "\r\n";
        ByteBuffer b = ByteBuffer.allocate(head.length() + BODY.length);
        b.put(head.getBytes(StandardCharsets.US_ASCII)).put(BODY).flip();
        return b.asReadOnlyBuffer();
    }

    private static ByteBuffer response(int status) {
        return ByteBuffer.wrap(("HTTP/1.1 " + status + " Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    }
}
