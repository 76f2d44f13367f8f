import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Demo backends for the routes in routes/, NOT part of the gateway: each port answers with a small JSON that says
 * which service it is and what it received. Run with: java src/demo/DemoBackends.java
 */
public class DemoBackends {

    static final Map<String, Integer> SERVICES = new LinkedHashMap<>();

    static {
        SERVICES.put("app1", 9101);
        SERVICES.put("app2", 9102);
        SERVICES.put("app3", 9103);
        SERVICES.put("search", 9111);
        SERVICES.put("cart", 9112);
        SERVICES.put("orders-v1", 9113);
        SERVICES.put("orders-v2", 9114);
        SERVICES.put("checkout-primary", 9115);
        SERVICES.put("checkout-standby", 9116);
        SERVICES.put("catalog-v1", 9121);
        SERVICES.put("catalog-v2", 9122);
    }

    public static void main(String[] args) throws IOException {
        // headers and body go out in separate writes: without this, Nagle adds 40 ms per response
        System.setProperty("sun.net.httpserver.nodelay", "true");
        for (Map.Entry<String, Integer> s : SERVICES.entrySet()) {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", s.getValue()), 128);
            server.setExecutor(Executors.newCachedThreadPool());
            server.createContext("/", exchange -> answer(exchange, s.getKey()));
            server.start();
            System.out.println("demo backend " + s.getKey() + " on http://127.0.0.1:" + s.getValue());
        }
    }

    static void answer(HttpExchange exchange, String service) throws IOException {
        byte[] received;
        try (InputStream in = exchange.getRequestBody()) {
            received = in.readAllBytes();
        }
        String json = "{\"service\":\"" + service + "\",\"method\":\"" + exchange.getRequestMethod()
                + "\",\"uri\":\"" + exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() != null ? "?" + exchange.getRequestURI().getRawQuery() : "")
                + "\",\"bodyBytes\":" + received.length
                + ",\"xForwardedFor\":\"" + exchange.getRequestHeaders().getFirst("X-Forwarded-For")
                + "\",\"requestId\":\"" + exchange.getRequestHeaders().getFirst("X-Request-Id") + "\"}\n";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(200, -1);
        } else {
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }
}
