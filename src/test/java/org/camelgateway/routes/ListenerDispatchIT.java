package org.camelgateway.routes;

import org.camelgateway.support.Backend;
import org.camelgateway.support.GatewayCamelTestSupport;
import org.camelgateway.support.RawHttp;

import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.test.AvailablePortFinder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several listener routes on one port: each request goes to the consumer whose path matches, as camel-netty-http
 * dispatches, and when only the catch-all is left its shortcut gives the same answers (its method list included).
 */
class ListenerDispatchIT extends GatewayCamelTestSupport {

    static Backend orders;
    static Backend rest;
    static final int PORT = AvailablePortFinder.getNextAvailable();

    @BeforeAll
    static void startBackends() throws Exception {
        orders = Backend.start("orders");
        rest = Backend.start("rest");
    }

    @AfterAll
    static void stopBackends() {
        orders.close();
        rest.close();
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("netty-http:http://127.0.0.1:" + PORT + "/orders?matchOnUriPrefix=true").routeId("orders")
                        .to(orders.url());
                from("netty-http:http://127.0.0.1:" + PORT + "?matchOnUriPrefix=true&httpMethodRestrict=GET,HEAD")
                        .routeId("rest").to(rest.url());
            }
        };
    }

    @Test
    void eachRequestReachesTheListenerWhosePathMatchesAndTheLastOneLeftTakesEverything() throws Exception {
        try (RawHttp http = new RawHttp(PORT)) {
            RawHttp.Response order = http.exchange("GET /orders/7 HTTP/1.1\r\nHost: shop");
            assertThat(order.header("X-Gateway-Route")).isEqualTo("orders");
            assertThat(order.bodyText()).isEqualTo("orders");
            RawHttp.Response other = http.exchange("GET /items/7 HTTP/1.1\r\nHost: shop");
            assertThat(other.header("X-Gateway-Route")).isEqualTo("rest");
            assertThat(rest.last().rawTarget()).isEqualTo("/items/7");
        }
        assertThat(methodAnswer("POST /items/7")).isEqualTo(405);

        context.getRouteController().stopRoute("orders");

        try (RawHttp http = new RawHttp(PORT)) {
            RawHttp.Response order = http.exchange("GET /orders/8 HTTP/1.1\r\nHost: shop");
            assertThat(order.header("X-Gateway-Route")).isEqualTo("rest");
            assertThat(rest.last().rawTarget()).isEqualTo("/orders/8");
            RawHttp.Response root = http.exchange("HEAD / HTTP/1.1\r\nHost: shop");
            assertThat(root.status()).isEqualTo(200);
            assertThat(rest.last().method()).isEqualTo("HEAD");
        }
        // not in the catch-all's method list: Camel's dispatcher answers, as before
        assertThat(methodAnswer("POST /items/7")).isEqualTo(405);
        assertThat(methodAnswer("DELETE /orders/8")).isEqualTo(405);
        // camel-netty-http answers OPTIONS itself for a consumer whose list leaves it out
        try (RawHttp http = new RawHttp(PORT)) {
            RawHttp.Response options = http.exchange("OPTIONS /items/7 HTTP/1.1\r\nHost: shop");
            assertThat(options.status()).isEqualTo(200);
            assertThat(options.header("Allow")).isEqualTo("GET,HEAD,OPTIONS");
        }
    }

    private static int methodAnswer(String requestLine) throws Exception {
        try (RawHttp http = new RawHttp(PORT)) {
            return http.exchange(requestLine + " HTTP/1.1\r\nHost: shop\r\nContent-Length: 0").status();
        }
    }
}
