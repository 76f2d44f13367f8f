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
 * A route-level test with camel-test-junit5: the gateway's wiring put into a plain CamelTestSupport context, and
 * a route written in the Java DSL rather than YAML. The proxy behaviour comes with the components, whatever DSL
 * the route is written in.
 */
class CamelTestSupportRouteIT extends GatewayCamelTestSupport {

    static Backend stable;
    static Backend canary;
    static final int PORT = AvailablePortFinder.getNextAvailable();

    @BeforeAll
    static void startBackends() throws Exception {
        stable = Backend.start("stable");
        canary = Backend.start("canary");
    }

    @AfterAll
    static void stopBackends() {
        stable.close();
        canary.close();
    }

    @Override
    protected RoutesBuilder createRouteBuilder() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("netty-http:http://127.0.0.1:" + PORT + "?matchOnUriPrefix=true").routeId("gateway")
                        .choice()
                            .when(header("X-Version").isEqualTo("v2")).to("direct:canary")
                            .otherwise().to("direct:stable");
                from("direct:stable").routeId("svc-stable").to(stable.url());
                from("direct:canary").routeId("svc-canary").to(canary.url());
            }
        };
    }

    @Test
    void javaDslRouteDispatchesByHeaderAndProxiesCleanly() throws Exception {
        try (RawHttp http = new RawHttp(PORT)) {
            RawHttp.Response r = http.exchange("GET /items/1?q=a%2Fb HTTP/1.1\r\nHost: shop\r\nX-Version: v2\r\n"
                    + "Authorization: Bearer s3cret\r\ncAmElHttpUri: /admin");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("X-Gateway-Route")).isEqualTo("svc-canary");
            assertThat(r.bodyText()).isEqualTo("canary");
            assertThat(r.header("Authorization")).isNull();
            assertThat(canary.last().rawTarget()).isEqualTo("/items/1?q=a%2Fb");
            assertThat(canary.last().header("X-Forwarded-For")).isEqualTo("127.0.0.1");

            RawHttp.Response other = http.exchange("GET /items/2 HTTP/1.1\r\nHost: shop");
            assertThat(other.header("X-Gateway-Route")).isEqualTo("svc-stable");
            assertThat(other.bodyText()).isEqualTo("stable");
        }
    }
}
