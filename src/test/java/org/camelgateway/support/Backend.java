package org.camelgateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP backend on a free loopback port that records what it received and answers as told. Faults are
 * explicit: {@link #delay}, {@link #stop}.
 */
public final class Backend implements AutoCloseable {

    /**
     * What the backend received, byte for byte where it matters; {@code clientPort} is the gateway's end of the
     * connection it came on (the same port twice: a reused connection).
     */
    public record Received(String method, String rawTarget, Headers headers, byte[] body, int clientPort) {
        public String header(String name) {
            return headers.getFirst(name);
        }

        public List<String> headerLines(String name) {
            List<String> v = headers.get(name);
            return v == null ? List.of() : v;
        }
    }

    /** What the backend answers. */
    public record Reply(int status, Map<String, List<String>> headers, byte[] body) {
        public static Reply ok(String body) {
            return new Reply(200, Map.of("Content-Type", List.of("text/plain")), body.getBytes());
        }
    }

    static {
        // the JDK server writes headers and body separately; without this, Nagle's algorithm and the client's
        // delayed ACK add 40 ms to every response
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final String name;
    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Function<Received, Reply> handler;
    private volatile Duration delay = Duration.ZERO;

    private Backend(String name) throws IOException {
        this.name = name;
        this.handler = r -> Reply.ok(name);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1000);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", this::handle);
        server.start();
    }

    public static Backend start(String name) throws IOException {
        return new Backend(name);
    }

    public Backend answer(Function<Received, Reply> handler) {
        this.handler = handler;
        return this;
    }

    public Backend delay(Duration delay) {
        this.delay = delay;
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String name() {
        return name;
    }

    public List<Received> received() {
        return Collections.unmodifiableList(new ArrayList<>(received));
    }

    public Received last() {
        if (received.isEmpty()) {
            throw new AssertionError("backend " + name + " received nothing");
        }
        return received.get(received.size() - 1);
    }

    public void reset() {
        received.clear();
    }

    /** As started: nothing received, the default answer, no delay (what a test sharing this backend expects). */
    void restore() {
        received.clear();
        handler = r -> Reply.ok(name);
        delay = Duration.ZERO;
    }

    public void stop() {
        server.stop(0);
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        Received r = new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                exchange.getRequestHeaders(), body, exchange.getRemoteAddress().getPort());
        received.add(r);
        try {
            if (!delay.isZero()) {
                Thread.sleep(delay.toMillis());
            }
            Reply reply = handler.apply(r);
            Headers h = exchange.getResponseHeaders();
            reply.headers().forEach((k, v) -> v.forEach(value -> h.add(k, value)));
            boolean noBody = "HEAD".equals(r.method()) || reply.status() == 204 || reply.status() == 304;
            exchange.sendResponseHeaders(reply.status(), noBody ? -1 : (reply.body().length == 0 ? -1 : reply.body().length));
            if (!noBody && reply.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }
}
