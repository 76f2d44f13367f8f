package org.camelgateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

/**
 * A backend whose response, with its full {@code Content-Length}, stops after the first bytes until the test calls
 * {@link #resume()} (at most 30 s): a body caught in the middle of being relayed while the test changes something.
 */
public final class PausingBackend implements AutoCloseable {

    private final HttpServer server;
    private final CountDownLatch resume = new CountDownLatch(1);

    private PausingBackend(int size, int first) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/", exchange -> {
            try (exchange; OutputStream out = exchange.getResponseBody()) {
                exchange.sendResponseHeaders(200, size);
                out.write(new byte[first]);
                out.flush();
                if (resume.await(30, TimeUnit.SECONDS)) {
                    out.write(new byte[size - first]);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    /** @param size the body's length; {@code first} bytes of it are sent at once, the rest on {@link #resume()} */
    public static PausingBackend start(int size, int first) throws IOException {
        return new PausingBackend(size, first);
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void resume() {
        resume.countDown();
    }

    @Override
    public void close() {
        resume.countDown();
        server.stop(0);
    }
}
