package org.camelgateway.routes;

import org.camelgateway.support.GatewayExtension;
import org.camelgateway.support.RawHttp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@code choice} in plain Camel YAML dispatches on path, host, header, cookie, query, method and client address. */
class DispatchIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.routes("dispatch").backend("backend.url", "backend")
            .property("gateway.expose-route", "true");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "GET /api/items HTTP/1.1\\r\\nHost: shop                            | by-path",
        "GET /other HTTP/1.1\\r\\nHost: api.example.test                    | by-host",
        "GET /other HTTP/1.1\\r\\nHost: api.example.test:8080               | by-host",
        "GET /api/items HTTP/1.1\\r\\nHost: shop\\r\\nX-Version: v2         | by-header",
        "GET /api/items HTTP/1.1\\r\\nHost: shop\\r\\nCookie: a=1; version=v2 | by-cookie",
        "GET /api/items?x=1&beta=1 HTTP/1.1\\r\\nHost: shop                 | by-query",
        "DELETE /api/items/1 HTTP/1.1\\r\\nHost: shop                       | by-method"})
    void dispatchesToTheRouteWhosePredicateMatches(String head, String route) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange(head.trim().replace("\\r\\n", "\r\n"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Gateway-Route")).isEqualTo(route);
        }
    }

    @Test
    void dispatchesOnTheClientAddress() throws Exception {
        // connect from 127.0.0.2, another loopback address
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
            s.connect(new InetSocketAddress("127.0.0.1", gateway.port()));
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /api/x HTTP/1.1\r\nHost: shop\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 200").contains("X-Gateway-Route: by-client");
        } catch (IOException e) {
            throw new AssertionError("could not connect from 127.0.0.2", e);
        }
    }

    @Test
    void requestNoPredicateMatchesGets404() throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("GET /other HTTP/1.1\r\nHost: shop");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("X-Gateway-Route")).isNull();
        }
    }
}
