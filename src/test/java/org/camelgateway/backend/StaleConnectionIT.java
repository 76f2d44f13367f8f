package org.camelgateway.backend;

import org.camelgateway.support.ClosingBackend;
import org.camelgateway.support.GatewayExtension;
import org.camelgateway.support.GatewayUnderTest;
import org.camelgateway.support.RawHttp;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A backend that closes idle keep-alive connections never shows up as a 502 for an idempotent request. */
class StaleConnectionIT {

    @Test
    void idempotentRequestsAreResentWhenThePooledConnectionWasClosedByTheBackend() throws Exception {
        try (ClosingBackend backend = new ClosingBackend();
             GatewayUnderTest gateway = GatewayUnderTest.start("proxy", Map.of("backend.url", backend.url(),
                     "unreachable.url", GatewayExtension.UNREACHABLE_URL));
             RawHttp http = new RawHttp(gateway.port())) {
            for (int i = 0; i < 10; i++) {
                RawHttp.Response r = http.exchange((i % 2 == 0 ? "GET" : "PUT") + " /plain/" + i
                        + " HTTP/1.1\r\nHost: gw\r\nContent-Length: 0");
                assertThat(r.status()).as("request %d", i).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("ok");
            }
            // each request needed a connection of its own: none was answered on a reused one
            assertThat(backend.requests()).isEqualTo(10);
            assertThat(backend.connections()).isEqualTo(10);
        }
    }
}
