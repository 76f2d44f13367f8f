package org.camelgateway.backend;

import org.camelgateway.support.GatewayUnderTest;
import org.camelgateway.support.RawHttp;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * https backends behind a plain {@code to: https://...} step, called by {@link BackendClient} over Netty's TLS: the
 * backend's body when its certificate is trusted (the JVM's trust store, or {@code gateway.backend.tls.trust-file}),
 * a 502 when it is not or names another host, SNI with the backend's host name, and one pooled connection for
 * consecutive requests. camel-http's client would neither read the trust file nor send SNI for {@code localhost}
 * (the JDK's socket sends it only for names with a dot), so those answers also show which client made the call.
 */
class TlsBackendIT {

    private static final String PASSWORD = "changeit";

    @TempDir
    static Path dir;

    static Path keyStore;
    /** The CA bundle of both backends' self-signed certificates. */
    static Path trustFile;
    /** Certificate for localhost and 127.0.0.1. */
    static TlsServer backend;
    /** Certificate for other.example only: reached as localhost it names another host. */
    static TlsServer other;

    /** One request as the backend saw it. */
    record Seen(int clientPort, List<String> serverNames) {
    }

    static final class TlsServer {
        final HttpsServer server;
        final Queue<Seen> seen = new ConcurrentLinkedQueue<>();

        TlsServer(Path keyStore) throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                ks.load(in, PASSWORD.toCharArray());
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, PASSWORD.toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(kmf.getKeyManagers(), null, null);
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            server.setHttpsConfigurator(new HttpsConfigurator(tls));
            server.createContext("/", exchange -> {
                try (exchange) {
                    ExtendedSSLSession session = (ExtendedSSLSession) ((HttpsExchange) exchange).getSSLSession();
                    seen.add(new Seen(exchange.getRemoteAddress().getPort(), session.getRequestedServerNames()
                            .stream().map(n -> ((SNIHostName) n).getAsciiName()).toList()));
                    byte[] body = ("secure " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }
    }

    @BeforeAll
    static void startBackends() throws Exception {
        keyStore = keyPair("backend", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        Path otherStore = keyPair("other", "CN=other.example", "SAN=dns:other.example");
        trustFile = dir.resolve("ca.pem");
        Files.writeString(trustFile, pem(keyStore, "backend") + pem(otherStore, "other"));
        backend = new TlsServer(keyStore);
        other = new TlsServer(otherStore);

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

    /** A self-signed certificate made by the JDK's own keytool. */
    private static Path keyPair(String alias, String dname, String san) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname,
                "-ext", san, "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        return store;
    }

    private static String pem(Path store, String alias) throws Exception {
        return keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD);
    }

    private static String keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process keytool = new ProcessBuilder(command).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(keytool.exitValue()).as(out + new String(keytool.getErrorStream().readAllBytes())).isZero();
        return out;
    }

    @AfterAll
    static void stopBackends() {
        for (TlsServer s : new TlsServer[] {backend, other}) {
            if (s != null) {
                s.server.stop(0);
            }
        }
    }

    @BeforeEach
    void forgetRequests() {
        backend.seen.clear();
        other.seen.clear();
    }

    private static GatewayUnderTest gateway(String url) throws Exception {
        return GatewayUnderTest.start(dir.resolve("routes"), Map.of("tls.url", url));
    }

    private static GatewayUnderTest gatewayTrustingTheFile(String url) throws Exception {
        Map<String, String> properties = new HashMap<>();
        properties.put("tls.url", url);
        properties.put("gateway.backend.tls.trust-file", trustFile.toString());
        return GatewayUnderTest.start(dir.resolve("routes"), properties);
    }

    @Test
    void httpsBackendTrustedByTheJvmAnswersThroughTheGateway() throws Exception {
        // the JDK reads its default trust store when the default TLS context is built: at the first https route
        String before = System.getProperty("javax.net.ssl.trustStore");
        System.setProperty("javax.net.ssl.trustStore", keyStore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        try (GatewayUnderTest gateway = gateway("https://127.0.0.1:" + backend.port());
                RawHttp http = new RawHttp(gateway.port())) {
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
        // an IP literal is no host name (RFC 6066 3): no SNI
        assertThat(backend.seen).extracting(Seen::serverNames).containsOnly(List.of());
    }

    @Test
    void httpsBackendWithAnUntrustedCertificateGets502() throws Exception {
        try (GatewayUnderTest gateway = gateway("https://127.0.0.1:" + backend.port());
                RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("GET /x HTTP/1.1\r\nHost: localhost");
            assertThat(r.status()).isEqualTo(502);
            // a failed handshake is a connect error: nothing was sent, another backend may take any request
            assertThat(r.bodyText()).contains("backend unreachable").doesNotContain("Exception")
                    .doesNotContain("secure");
        }
        assertThat(backend.seen).isEmpty();
    }

    @Test
    void backendSignedByACaInTheTrustFileAnswersOnOnePooledConnection() throws Exception {
        try (GatewayUnderTest gateway = gatewayTrustingTheFile("https://localhost:" + backend.port());
                RawHttp http = new RawHttp(gateway.port())) {
            for (String path : List.of("/a", "/b", "/c")) {
                RawHttp.Response r = http.exchange("GET " + path + " HTTP/1.1\r\nHost: localhost");
                assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("secure " + path);
            }
        }
        assertThat(backend.seen).hasSize(3);
        assertThat(backend.seen.stream().map(Seen::clientPort).collect(Collectors.toSet()))
                .as("one TLS connection, pooled between the requests").hasSize(1);
    }

    @Test
    void sendsTheBackendHostNameAsSni() throws Exception {
        try (GatewayUnderTest gateway = gatewayTrustingTheFile("https://localhost:" + backend.port());
                RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("GET /sni HTTP/1.1\r\nHost: client.example");
            assertThat(r.status()).as(r.bodyText()).isEqualTo(200);
        }
        // the backend's host, not the client's Host
        assertThat(backend.seen).extracting(Seen::serverNames).containsExactly(List.of("localhost"));
    }

    @Test
    void aTrustFileThatCannotBeReadStopsTheGatewayFromStarting() throws Exception {
        Map<String, String> properties = new HashMap<>();
        properties.put("tls.url", "https://localhost:" + backend.port());
        properties.put("gateway.backend.tls.trust-file", dir.resolve("missing.pem").toString());
        // at start, not as a 502 on every request
        assertThatThrownBy(() -> GatewayUnderTest.start(dir.resolve("routes"), properties).close())
                .hasStackTraceContaining("gateway.backend.tls.trust-file");
    }

    @Test
    void aHandshakeThatNeverEndsIsAConnectTimeout() throws Exception {
        // the kernel completes the TCP connection from the backlog; nothing ever answers the ClientHello
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> properties = new HashMap<>();
            properties.put("tls.url", "https://127.0.0.1:" + silent.getLocalPort());
            // camel-http counts only TCP in its connect timeout and would wait out the 60 s response timeout
            properties.put("gateway.connect-timeout", "300");
            try (GatewayUnderTest gateway = GatewayUnderTest.start(dir.resolve("routes"), properties);
                    RawHttp http = new RawHttp(gateway.port())) {
                RawHttp.Response r = http.exchange("GET /x HTTP/1.1\r\nHost: localhost");
                assertThat(r.status()).isEqualTo(504);
                assertThat(r.bodyText()).contains("backend did not answer in time");
            }
        }
    }

    @Test
    void refusesABackendWhoseCertificateNamesAnotherHost() throws Exception {
        // trusted (its certificate is in the trust file), but issued to other.example, not localhost
        try (GatewayUnderTest gateway = gatewayTrustingTheFile("https://localhost:" + other.port());
                RawHttp http = new RawHttp(gateway.port())) {
            RawHttp.Response r = http.exchange("GET /x HTTP/1.1\r\nHost: localhost");
            assertThat(r.status()).isEqualTo(502);
            // a failed handshake is a connect error: nothing was sent, another backend may take any request
            assertThat(r.bodyText()).contains("backend unreachable").doesNotContain("Exception")
                    .doesNotContain("secure");
        }
        assertThat(other.seen).as("nothing sent before the handshake").isEmpty();
    }
}
