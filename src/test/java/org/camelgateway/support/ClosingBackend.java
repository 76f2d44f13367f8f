package org.camelgateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a raw socket that closes every connection after one request: either after answering as if it
 * would keep the connection alive (the fault a pooled proxy meets when a backend's keep-alive timeout is shorter
 * than its own), or without answering at all (a backend that dies mid-request).
 */
public final class ClosingBackend implements AutoCloseable {

    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final byte[] reply;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    /** Answers each request, then closes the connection. */
    public ClosingBackend() throws IOException {
        this(OK);
    }

    /** @param answer false: read the request, then close the connection with no response */
    public ClosingBackend(boolean answer) throws IOException {
        this(answer ? OK : null);
    }

    /** Writes {@code reply} (any bytes, valid HTTP or not) to each request, then closes the connection. */
    public ClosingBackend(byte[] reply) throws IOException {
        this.reply = reply;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "closing-backend");
        t.setDaemon(true);
        t.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public int connections() {
        return connections.get();
    }

    public int requests() {
        return requests.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                connections.incrementAndGet();
                int length = readHead(s.getInputStream());
                s.getInputStream().readNBytes(length);
                requests.incrementAndGet();
                if (reply == null) {
                    continue;
                }
                OutputStream out = s.getOutputStream();
                out.write(reply);
                out.flush();
            } catch (IOException e) {
                // closed by the test, or the client went away
            }
        }
    }

    /** Reads up to the blank line and returns the request's Content-Length (0 if none). */
    private static int readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring(15).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
