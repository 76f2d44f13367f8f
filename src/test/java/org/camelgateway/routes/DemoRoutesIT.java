package org.camelgateway.routes;

import org.camelgateway.support.Backend;
import org.camelgateway.support.GatewayExtension;
import org.camelgateway.support.RawHttp;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped routes in {@code routes/} as a user deploys them, booted in-process by the real Main and
 * configuration; every backend is a real server on a free port, and every answer names the route that gave it.
 */
class DemoRoutesIT {

    @RegisterExtension
    static final GatewayExtension gateway = shippedRoutes();

    /** The shipped routes, each backend they name (its URL in {@code <name>.url}) a real server. */
    static GatewayExtension shippedRoutes() {
        GatewayExtension gateway = GatewayExtension.routes(Path.of("routes")).property("gateway.host", "127.0.0.1")
                .property("gateway.expose-route", "true");
        for (String name : new String[] {"app1", "app2", "app3", "search", "cart", "orders.v1", "orders.v2",
            "checkout.primary", "checkout.standby", "catalog.v1", "catalog.v2"}) {
            gateway.backend(name + ".url", name);
        }
        return gateway;
    }

    RawHttp.Response get(String path) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.exchange("GET " + path + " HTTP/1.1\r\nHost: shop.example.test");
        }
    }

    @ParameterizedTest
    @CsvSource({"/app1/, svc-app1, app1", "/app2/x?y=1, svc-app2, app2", "/app3/deep/path, svc-app3, app3",
        "/search?q=shoes, svc-search, search", "/cart/42, svc-cart, cart"})
    void dispatchesEachPathToItsServiceRoute(String path, String route, String backend) throws Exception {
        RawHttp.Response r = get(path);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("X-Gateway-Route")).isEqualTo(route);
        assertThat(r.bodyText()).isEqualTo(backend);
        assertThat(gateway.backend(backend).last().rawTarget()).isEqualTo(path);
    }

    @Test
    void pathNoRouteClaimsGets404() throws Exception {
        RawHttp.Response r = get("/admin");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("X-Gateway-Route")).isNull();
        gateway.backends().forEach(b -> assertThat(b.received()).isEmpty());
    }

    @Test
    void ordersPoolSplitsExactlyThreeToOneOverWholeCycles() throws Exception {
        for (int i = 0; i < 400; i++) {
            RawHttp.Response r = get("/orders/" + i);
            assertThat(r.header("X-Gateway-Route")).isEqualTo("svc-orders");
        }
        assertThat(gateway.backend("orders.v1").received()).hasSize(300);
        assertThat(gateway.backend("orders.v2").received()).hasSize(100);
    }

    @Test
    void checkoutFailsOverWithTheBodyIntactWhenThePrimaryRefusesConnections() throws Exception {
        Backend primary = gateway.backend("checkout.primary");
        byte[] body = new byte[256 * 1024];
        new Random(7).nextBytes(body);
        primary.stop();
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("POST /checkout/pay HTTP/1.1\r\nHost: shop\r\nContent-Length: "
                    + body.length + "\r\nContent-Type: application/octet-stream", body);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Gateway-Route")).isEqualTo("svc-checkout");
            assertThat(r.bodyText()).isEqualTo("checkout.standby");
        }
        assertThat(gateway.backend("checkout.standby").last().body()).isEqualTo(body);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"X-Version: v2 | catalog.v2", "X-Version: v1 | catalog.v1",
        "Cookie: theme=dark; version=v2 | catalog.v2", "Cookie: version=v1 | catalog.v1"})
    void catalogVersionCanBePinnedByHeaderOrCookie(String header, String backend) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("GET /catalog/items HTTP/1.1\r\nHost: shop\r\n" + header);
            assertThat(r.header("X-Gateway-Route")).isEqualTo("svc-catalog");
            assertThat(r.bodyText()).isEqualTo(backend);
        }
    }

    @Test
    void catalogCanaryTakesExactlyOneRequestInTen() throws Exception {
        for (int i = 0; i < 100; i++) {
            assertThat(get("/catalog/" + i).header("X-Gateway-Route")).isEqualTo("svc-catalog");
        }
        assertThat(gateway.backend("catalog.v1").received()).hasSize(90);
        assertThat(gateway.backend("catalog.v2").received()).hasSize(10);
    }

    @Test
    void aFailingCanaryFallsBackToStableWithoutClientErrors() throws Exception {
        Backend canary = gateway.backend("catalog.v2");
        canary.answer(r -> new Backend.Reply(503, Map.of(), "canary broken".getBytes()));
        for (int i = 0; i < 50; i++) {
            RawHttp.Response r = get("/catalog/" + i);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("catalog.v1");
        }
    }
}
