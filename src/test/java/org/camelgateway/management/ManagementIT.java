package org.camelgateway.management;

import org.camelgateway.support.Backend;
import org.camelgateway.support.Backend.Reply;
import org.camelgateway.support.GatewayExtension;
import org.camelgateway.support.GatewayUnderTest;
import org.camelgateway.support.RawHttp;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** The management port: Prometheus metrics with bounded tags, liveness and readiness. */
class ManagementIT {

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.routes("proxy").backend("backend.url", "backend")
            .unreachableBackend();

    RawHttp.Response management(String path) throws Exception {
        try (RawHttp http = new RawHttp(gateway.managementPort())) {
            return http.exchange("GET " + path + " HTTP/1.1\r\nHost: localhost");
        }
    }

    RawHttp.Response traffic(String path) throws Exception {
        try (RawHttp http = new RawHttp(gateway.port())) {
            return http.exchange("GET " + path + " HTTP/1.1\r\nHost: localhost");
        }
    }

    @Test
    void metricsCountRequestsByRouteAndStatusClassWithoutRawPaths() throws Exception {
        gateway.backend("backend").answer(r -> r.rawTarget().contains("missing") ? new Reply(404, Map.of(), new byte[0])
                : Reply.ok("ok"));
        for (int i = 0; i < 3; i++) {
            traffic("/service/unique-path-" + i);
        }
        traffic("/service/missing");
        traffic("/nowhere-at-all");
        traffic("/unreachable/x");

        RawHttp.Response r = management("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/plain");
        String text = r.bodyText();
        assertThat(text)
                .contains("gateway_requests_seconds_count{route=\"svc-service\",status=\"2xx\"} 3")
                .contains("gateway_requests_seconds_count{route=\"svc-service\",status=\"4xx\"} 1")
                .contains("gateway_requests_seconds_count{route=\"none\",status=\"4xx\"} 1")
                .contains("gateway_requests_seconds_count{route=\"gateway\",status=\"5xx\"} 1")
                .contains("gateway_backend_requests_total{member=\"")
                .contains("gateway_requests_seconds_bucket{route=\"svc-service\",status=\"2xx\",le=")
                .contains("gateway_requests_in_flight")
                .contains("jvm_memory_used_bytes")
                // camel-micrometer's per-route timer, one sample per exchange the route took
                .containsPattern("camel_route_policy_seconds_count\\{[^}]*routeId=\"svc-service\"} 4\\b");
        assertThat(text).doesNotContain("unique-path").doesNotContain("nowhere-at-all");
    }

    @Test
    void probesAreUpWhileServingAndReadinessGoesDownWhenDraining() throws Exception {
        assertThat(management("/health/live").status()).isEqualTo(200);
        assertThat(management("/health/ready").status()).isEqualTo(200);
        assertThat(management("/health/ready").bodyText()).contains("UP");
        assertThat(management("/nothing").status()).isEqualTo(404);
        // the traffic port does not serve management paths
        assertThat(traffic("/health/ready").status()).isEqualTo(404);
    }

    @Test
    void readinessIsDownWhileDrainingAndLivenessStaysUp() throws Exception {
        // a gateway of its own: draining does not end
        try (Backend b = Backend.start("b"); GatewayUnderTest g = GatewayUnderTest.start("proxy",
                Map.of("backend.url", b.url(), "unreachable.url", GatewayExtension.UNREACHABLE_URL))) {
            g.context().getRegistry().lookupByNameAndType(HealthState.REGISTRY_NAME, HealthState.class)
                    .startDraining();
            try (RawHttp http = new RawHttp(g.managementPort())) {
                assertThat(http.exchange("GET /health/ready HTTP/1.1\r\nHost: x").status()).isEqualTo(503);
                assertThat(http.exchange("GET /health/live HTTP/1.1\r\nHost: x").status()).isEqualTo(200);
            }
            try (RawHttp http = new RawHttp(g.port())) {
                assertThat(http.exchange("GET /plain/still-served HTTP/1.1\r\nHost: x").status()).isEqualTo(200);
            }
        }
    }
}
