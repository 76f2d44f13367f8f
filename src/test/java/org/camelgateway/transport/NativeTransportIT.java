package org.camelgateway.transport;

import org.camelgateway.support.Backend;
import org.camelgateway.support.GatewayExtension;
import org.camelgateway.support.GatewayUnderTest;
import org.camelgateway.support.RawHttp;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.netty.channel.epoll.Epoll;
import io.netty.util.concurrent.FastThreadLocalThread;
import org.apache.camel.component.netty.http.NettyHttpEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener runs on epoll where Netty's native library loads and on Java NIO otherwise (or when turned off);
 * backend connections are opened on the client's event loop either way, so they must match its transport.
 */
class NativeTransportIT {

    @Test
    void theJarsNativeEpollDependencyLoadsOnLinuxX8664() {
        boolean linuxX8664 = System.getProperty("os.name").startsWith("Linux")
                && System.getProperty("os.arch").equals("amd64");
        // the native library ships in the jar for this platform only; elsewhere NIO is the expected fallback
        assertThat(Epoll.isAvailable()).as("epoll: %s", Epoll.unavailabilityCause()).isEqualTo(linuxX8664);
    }

    @Test
    void listenerEventLoopsAreNettyThreadsAndStopWithTheGateway() throws Exception {
        try (Backend backend = Backend.start("b")) {
            GatewayUnderTest gateway = GatewayUnderTest.start("proxy", Map.of("backend.url", backend.url(),
                    "unreachable.url", GatewayExtension.UNREACHABLE_URL));
            try (RawHttp http = new RawHttp(gateway.port())) {
                assertThat(http.exchange("GET /plain/x HTTP/1.1\r\nHost: gw").status()).isEqualTo(200);
                // on a plain thread every Netty thread-local is a JDK ThreadLocal lookup
                assertThat(eventLoopThreads()).isNotEmpty().allMatch(FastThreadLocalThread.class::isInstance);
            } finally {
                gateway.close();
            }
            await("event loops stop with the gateway").atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20)).until(NativeTransportIT::eventLoopThreads, List::isEmpty);
        }
    }

    private static List<Thread> eventLoopThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("gateway-io-") && t.isAlive()).toList();
    }

    @ParameterizedTest(name = "gateway.native-transport={0}")
    @ValueSource(booleans = {true, false})
    void proxiesOnPooledBackendConnectionsWithEitherTransport(boolean nativeTransport) throws Exception {
        try (Backend backend = Backend.start("b");
             GatewayUnderTest gateway = GatewayUnderTest.start("proxy", Map.of("backend.url", backend.url(),
                     "unreachable.url", GatewayExtension.UNREACHABLE_URL,
                     "gateway.native-transport", String.valueOf(nativeTransport)));
             RawHttp http = new RawHttp(gateway.port())) {
            NettyHttpEndpoint listener = gateway.context().getEndpoints().stream()
                    .filter(NettyHttpEndpoint.class::isInstance).map(NettyHttpEndpoint.class::cast)
                    .findFirst().orElseThrow();
            assertThat(listener.getConfiguration().isNativeTransport())
                    .isEqualTo(nativeTransport && Epoll.isAvailable());

            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = http.exchange("GET /plain/" + i + " HTTP/1.1\r\nHost: gw");
                assertThat(r.status()).as("request %d", i).isEqualTo(200);
            }
            List<Integer> ports = backend.received().stream().map(Backend.Received::clientPort).toList();
            assertThat(ports).as("three calls on one pooled backend connection").hasSize(3)
                    .containsOnly(ports.get(0));
        }
    }
}
