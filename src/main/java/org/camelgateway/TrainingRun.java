package org.camelgateway;

import org.camelgateway.config.GatewayMain;
import org.camelgateway.management.LogConfigurator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import org.apache.camel.main.Main;

/**
 * {@code --training-run}: starts the gateway on loopback ports with the bundled {@code training/} routes and a
 * backend of its own, sends the requests of a typical gateway through it (plain, streamed, weighted and pooled
 * backends, version pinning, an unmatched path, the management endpoints), checks every answer and stops.
 * <p>
 * Run under {@code -XX:ArchiveClassesAtExit} (Java 17, the build's class-data archive) or
 * {@code -XX:AOTCacheOutput} (Java 25, the container image), the JVM then stores what serving loads, not only what
 * building routes loads: the first proxied 200 came 0.2 s sooner on Java 17, and 0.4 s sooner with Java 25's AOT
 * cache, than after a validate run (src/bench/RESULTS.md). It also proves the packaged jar proxies before it ships.
 */
public final class TrainingRun {

    /** Whole passes over the requests: enough for every class on the path to load, short for a build step. */
    private static final int ROUNDS = 20;
    private static final byte[] BIG = new byte[256 * 1024];

    private TrainingRun() {
    }

    /**
     * Runs the training; returns the exit status: 0 when every answer was as expected, 3 when not (1 stays the
     * JVM's own failure to start, which the build tolerates on a JVM without class-data sharing).
     */
    public static int run(PrintStream out, PrintStream err) {
        try {
            return train(out, err);
        } catch (Exception e) {
            err.println("training run: failed: " + e);
            return 3;
        }
    }

    private static int train(PrintStream out, PrintStream err) throws Exception {
        // only the outcome on stdout/stderr, not Camel's start-up log (the access log is written, then dropped)
        LogConfigurator.quiet();

        Path routes = Files.createTempDirectory("gateway-training");
        HttpServer backend = backend();
        Main main = null;
        try {
            try (InputStream in = TrainingRun.class.getResourceAsStream("/training/training.camel.yaml")) {
                Files.copy(in, routes.resolve("training.camel.yaml"));
            }
            GatewayMain.Started gateway = GatewayMain.startOnFreePorts(routes, Map.of(
                    "gateway.host", "127.0.0.1",
                    "gateway.management.host", "127.0.0.1",
                    "gateway.drain.grace-period", "0",
                    "training.backend.url", "http://127.0.0.1:" + backend.getAddress().getPort()));
            main = gateway.main();
            int port = gateway.port();
            int managementPort = gateway.managementPort();

            List<String> problems = new ArrayList<>();
            int requests = 0;
            for (int round = 0; round < ROUNDS && problems.isEmpty(); round++) {
                for (Check check : checks(port, managementPort)) {
                    requests++;
                    int status = check.send();
                    if (status != check.expected) {
                        problems.add(check.request + " on port " + check.port + " answered " + status
                                + ", expected " + check.expected);
                    }
                }
            }
            if (!problems.isEmpty()) {
                problems.forEach(p -> err.println("training run: " + p));
                return 3;
            }
            out.println("training run: " + requests + " requests answered as expected");
            return 0;
        } finally {
            if (main != null) {
                main.stop();
            }
            backend.stop(0);
            try (var files = Files.list(routes)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(routes);
        }
    }

    private static List<Check> checks(int port, int managementPort) {
        return List.of(
                new Check(port, "GET /plain/hello", "", "", 200),
                new Check(port, "GET /plain/big", "Accept-Encoding: gzip\r\n", "", 200),
                new Check(port, "POST /plain/upload", "Content-Type: text/plain\r\n", "x".repeat(64 * 1024), 200),
                new Check(port, "GET /versioned/a?q=1", "", "", 200),
                new Check(port, "GET /versioned/b", "Cookie: version=v2\r\n", "", 200),
                new Check(port, "GET /versioned/c", "X-Version: v2\r\n", "", 200),
                new Check(port, "GET /nowhere", "", "", 404),
                new Check(managementPort, "GET /health/live", "", "", 200),
                new Check(managementPort, "GET /health/ready", "", "", 200),
                new Check(managementPort, "GET /metrics", "", "", 200));
    }

    /** One request on a connection of its own; the answer's status is compared with the expected one. */
    private record Check(int port, String request, String headers, String body, int expected) {

        int send() throws IOException {
            String message = request + " HTTP/1.1\r\nHost: training\r\nConnection: close\r\n" + headers
                    + (body.isEmpty() ? "" : "Content-Length: " + body.length() + "\r\n") + "\r\n" + body;
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(message.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                socket.getInputStream().transferTo(answer);
                String[] statusLine = answer.toString(StandardCharsets.ISO_8859_1).split("\r\n", 2)[0].split(" ");
                return statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1;
            }
        }
    }

    /** Answers 200 to anything after reading its body; {@code /plain/big} answers 256 KiB. */
    private static HttpServer backend() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                byte[] body = exchange.getRequestURI().getPath().endsWith("/big")
                        ? BIG : "ok\n".getBytes(StandardCharsets.US_ASCII);
                exchange.getResponseHeaders().set("Content-Type", "text/plain");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        server.start();
        return server;
    }
}
