package org.camelgateway.backend;

import org.camelgateway.support.GatewayUnderTest;
import org.camelgateway.support.RawHttp;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An https backend behind a plain {@code to: https://...} step. camel-http builds the JDK's default TLS context on
 * the first https call, not at start ({@link DeferredTlsSocketFactory}); the answers must be what an eagerly built
 * one gives: the backend's body when the JVM trusts its certificate, a 502 when it does not.
 */
class TlsBackendIT {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    static Path keyStore;
    static HttpsServer backend;

    @BeforeAll
    static void startBackend() throws Exception {
        keyStore = dir.resolve("backend.p12");
        // a self-signed certificate for 127.0.0.1, made by the JDK's own keytool
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "backend", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes())).isZero();

        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);

        backend = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        backend.setHttpsConfigurator(new HttpsConfigurator(tls));
        backend.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = ("secure " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        backend.start();

        Files.createDirectories(dir.resolve("routes"));
        Files.writeString(dir.resolve("routes/tls.yaml"), """
                - route:
                    id: tls
                    from:
                      uri: "netty-http:http://127.0.0.1:{{gateway.port}}?matchOnUriPrefix=true"
                      steps:
                        - to: { id: tls-backend, uri: "{{tls.url}}" }
                """);
    }

    @AfterAll
    static void stopBackend() {
        if (backend != null) {
            backend.stop(0);
        }
    }

    private static GatewayUnderTest gateway() throws Exception {
        return GatewayUnderTest.start(dir.resolve("routes"),
                Map.of("tls.url", "https://127.0.0.1:" + backend.getAddress().getPort()));
    }

    @Test
    void httpsBackendTrustedByTheJvmAnswersThroughTheGateway() throws Exception {
        // the JDK reads its default trust store when the default TLS context is built: at the first https call
        String before = System.getProperty("javax.net.ssl.trustStore");
        System.setProperty("javax.net.ssl.trustStore", keyStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        try (GatewayUnderTest gateway = gateway(); RawHttp http = new RawHttp(gateway.port())) {
            for (String path : List.of("/first?x=1", "/second")) {
                RawHttp.Response r = http.exchange("GET " + path + " HTTP/1.1\r\nHost: localhost");
                assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("secure " + path);
            }
        } finally {
            if (before == null) {
                System.clearProperty("javax.net.ssl.trustStore");
            } else {
                System.setProperty("javax.net.ssl.trustStore", before);
            }
            System.clearProperty("javax.net.ssl.trustStorePassword");
            System.clearProperty("javax.net.ssl.trustStoreType");
        }
    }

    @Test
    void httpsBackendWithAnUntrustedCertificateGets502() throws Exception {
        try (GatewayUnderTest gateway = gateway(); RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("GET /x HTTP/1.1\r\nHost: localhost");
            assertThat(r.status()).isEqualTo(502);
            assertThat(r.bodyText()).doesNotContain("Exception").doesNotContain("secure");
        }
    }
}
