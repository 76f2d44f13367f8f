package org.camelgateway.listener;

import org.camelgateway.support.Backend;
import org.camelgateway.support.GatewayUnderTest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A TLS listener from PEM files laid out as Kubernetes TLS secrets mount them, over real TLS sockets. The
 * certificates are made by the {@code openssl} command in the test; it is also the client that tries TLS 1.0
 * and 1.1, which the JDK's own client no longer offers.
 */
class TlsListenerIT {

    @TempDir
    static Path dir;
    static Backend backend;
    static GatewayUnderTest gateway;
    static final ListAppender<ILoggingEvent> log = new ListAppender<>();
    static List<String> startLog;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(run(List.of("openssl", "version"), dir).exit() == 0, "needs the openssl command");
        // default: an RSA leaf signed by a CA, served with the CA as its full chain, key in PKCS#1 (cert-manager's)
        Path ca = Files.createDirectories(dir.resolve("ca"));
        openssl(ca, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
                "-subj", "/CN=Test CA", "-days", "2");
        Path def = Files.createDirectories(dir.resolve("default"));
        openssl(def, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
                "-subj", "/CN=default.test");
        Files.writeString(def.resolve("ext"), "subjectAltName=IP:127.0.0.1,DNS:default.test\n");
        openssl(def, "x509", "-req", "-in", "leaf.csr", "-CA", ca.resolve("ca.crt").toString(), "-CAkey",
                ca.resolve("ca.key").toString(), "-CAcreateserial", "-out", "leaf.crt", "-days", "2",
                "-extfile", "ext");
        openssl(def, "rsa", "-in", "leaf.key", "-traditional", "-out", "tls.key");
        Files.writeString(def.resolve("tls.crt"), Files.readString(def.resolve("leaf.crt"))
                + Files.readString(ca.resolve("ca.crt")));
        assertThat(Files.readString(def.resolve("tls.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        // SNI: an EC key in SEC1 form, an RSA key in PKCS#8, a wildcard; a secret mount's ..data folder is no certificate
        Path sni = Files.createDirectories(dir.resolve("sni"));
        Path ec = Files.createDirectories(sni.resolve("ec"));
        openssl(ec, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "tls.key");
        openssl(ec, "req", "-x509", "-new", "-key", "tls.key", "-out", "tls.crt", "-subj", "/CN=ec.test",
                "-addext", "subjectAltName=DNS:ec.test", "-days", "2");
        assertThat(Files.readString(ec.resolve("tls.key"))).startsWith("-----BEGIN EC PRIVATE KEY-----");
        selfSigned(Files.createDirectories(sni.resolve("b")), "b.test", "DNS:b.test");
        selfSigned(Files.createDirectories(sni.resolve("wild")), "wild", "DNS:*.wild.test");
        selfSigned(Files.createDirectories(sni.resolve("..data")), "hidden.test", "DNS:hidden.test");
        assertThat(Files.readString(sni.resolve("b/tls.key"))).startsWith("-----BEGIN PRIVATE KEY-----");

        log.start();
        ((Logger) LoggerFactory.getLogger(TlsContexts.class)).addAppender(log);
        backend = Backend.start("backend");
        gateway = GatewayUnderTest.start("tls", Map.of("backend.url", backend.url(), "tls.dir", dir.toString(),
                "gateway.header-timeout", "5000"));
        startLog = log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @AfterAll
    static void stop() {
        ((Logger) LoggerFactory.getLogger(TlsContexts.class)).detachAppender(log);
        if (gateway != null) {
            gateway.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void servesThePemRsaChainWithAPkcs1KeyToAVerifyingClient() throws Exception {
        HttpsURLConnection http = (HttpsURLConnection) new URL("https://127.0.0.1:" + gateway.port() + "/pem")
                .openConnection();
        http.setSSLSocketFactory(trusting(dir.resolve("ca/ca.crt")).getSocketFactory());
        http.setConnectTimeout(10_000);
        http.setReadTimeout(10_000);
        try {
            assertThat(http.getResponseCode()).isEqualTo(200);
            Certificate[] chain = http.getServerCertificates();
            assertThat(chain).hasSize(2);
            assertThat(subject(chain[0])).isEqualTo("CN=default.test");
            assertThat(subject(chain[1])).isEqualTo("CN=Test CA");
            assertThat(((X509Certificate) chain[0]).getPublicKey().getAlgorithm()).isEqualTo("RSA");
        } finally {
            http.disconnect();
        }
        // the scheme a TLS listener reports reaches the backend
        assertThat(backend.last().header("X-Forwarded-Proto")).isEqualTo("https");
    }

    @Test
    void servesThePemEcCertificateWithASec1KeyForItsName() throws Exception {
        try (SSLSocket s = connect("ec.test", "TLSv1.3")) {
            X509Certificate served = (X509Certificate) s.getSession().getPeerCertificates()[0];
            assertThat(subject(served)).isEqualTo("CN=ec.test");
            assertThat(served.getPublicKey().getAlgorithm()).isEqualTo("EC");
            assertThat(get(s, "ec.test")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void sniPicksTheCertificateByNameWildcardIncludedAndTheDefaultWithoutOne() throws Exception {
        assertThat(servedSubject("b.test")).isEqualTo("CN=b.test");
        assertThat(servedSubject("ec.test")).isEqualTo("CN=ec.test");
        assertThat(servedSubject("api.wild.test")).isEqualTo("CN=wild");
        // a wildcard covers one label, as in certificate matching
        assertThat(servedSubject("a.b.wild.test")).isEqualTo("CN=default.test");
        assertThat(servedSubject("unknown.test")).isEqualTo("CN=default.test");
        assertThat(servedSubject(null)).isEqualTo("CN=default.test");
        // the secret mount's ..data folder holds the same files again, not another certificate
        assertThat(servedSubject("hidden.test")).isEqualTo("CN=default.test");
    }

    @Test
    void behindTheSniHandlerTheHeadTimeout408IsSentEncrypted() throws Exception {
        try (SSLSocket s = connect("b.test", "TLSv1.3")) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: b.test\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // SniHandler replaces itself by an SslHandler of another name: the gate must still sit behind TLS
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 408");
        }
    }

    @Test
    void acceptsTls13AndTls12WithForwardSecretAeadCiphersAndAlpn() throws Exception {
        for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
            try (SSLSocket s = connect("b.test", protocol)) {
                assertThat(s.getSession().getProtocol()).isEqualTo(protocol);
                String cipher = s.getSession().getCipherSuite();
                assertThat(cipher).matches(protocol.equals("TLSv1.3") ? "TLS_(AES|CHACHA20).*"
                        : "TLS_ECDHE_(RSA|ECDSA)_WITH_(AES_\\d+_GCM|CHACHA20_POLY1305)_SHA\\d+");
                assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
                assertThat(get(s, "b.test")).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void refusesTls10AndTls11() throws Exception {
        for (String old : List.of("-tls1", "-tls1_1")) {
            // SECLEVEL=0: OpenSSL 3's own client would not offer these versions otherwise
            Result result = sClient(old, "-cipher", "DEFAULT@SECLEVEL=0");
            assertThat(result.exit()).as(result.output()).isNotZero();
            assertThat(result.output()).as(old).contains("alert protocol version");
        }
        // the same client, the same way, gets in with TLS 1.2: the refusals above are the version's
        Result modern = sClient("-tls1_2", "-cipher", "DEFAULT@SECLEVEL=0");
        assertThat(modern.exit()).as(modern.output()).isZero();
        assertThat(modern.output()).contains("Protocol  : TLSv1.2");
    }

    @Test
    void resumesSessionsWithTls13AndTls12() throws Exception {
        Path request = dir.resolve("request");
        Files.writeString(request, "GET /resume HTTP/1.1\r\nHost: b.test\r\nConnection: close\r\n\r\n");
        for (String protocol : List.of("-tls1_3", "-tls1_2")) {
            Path session = dir.resolve("session" + protocol);
            // -ign_eof: the client reads on to the server's close, so a ticket sent after the handshake arrives
            Result first = sClientWith(request, protocol, "-ign_eof", "-sess_out", session.toString());
            assertThat(first.output()).as(protocol).contains("HTTP/1.1 200")
                    .contains("TLS session ticket lifetime hint: "); // a ticket, not only a session ID
            Result second = sClientWith(request, protocol, "-ign_eof", "-sess_in", session.toString());
            assertThat(second.output()).as(protocol).contains("Reused, TLSv1.").contains("HTTP/1.1 200");
        }
    }

    @Test
    void refusesToStartWithAKeyThatIsNotTheCertificates(@TempDir Path other) throws Exception {
        Path mixed = Files.createDirectories(other.resolve("default"));
        Files.copy(dir.resolve("default/tls.crt"), mixed.resolve("tls.crt"));
        Files.copy(dir.resolve("sni/b/tls.key"), mixed.resolve("tls.key"));
        Files.createDirectories(other.resolve("sni"));
        assertThatThrownBy(() -> GatewayUnderTest.start("tls", Map.of("backend.url", backend.url(),
                "tls.dir", other.toString())).close())
                .hasStackTraceContaining(mixed.resolve("tls.key") + ": not the key of the first certificate in");
    }

    @Test
    void aCamelKeystoreListenerGetsTheSameModernContext(@TempDir Path routes) throws Exception {
        Path keyStore = routes.resolve("listener.p12");
        Result keytool = run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "listener", "-keyalg", "EC", "-dname", "CN=keystore.test", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "changeit"), routes);
        assertThat(keytool.exit()).as(keytool.output()).isZero();
        Files.writeString(routes.resolve("keystore.yaml"), """
                - route:
                    from:
                      uri: "netty-http:https://127.0.0.1:{{gateway.port}}"
                      parameters:
                        matchOnUriPrefix: true
                        keyStoreFormat: PKCS12
                        keyStoreResource: "file:%s"
                        passphrase: changeit
                      steps: [ { to: "{{backend.url}}" } ]
                """.formatted(keyStore));
        try (GatewayUnderTest keystore = GatewayUnderTest.start(routes, Map.of("backend.url", backend.url()))) {
            SSLSocket s = (SSLSocket) trustingAll().getSocketFactory().createSocket("127.0.0.1", keystore.port());
            try (s) {
                s.setSoTimeout(10_000);
                SSLParameters parameters = s.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
                s.setSSLParameters(parameters);
                s.startHandshake();
                assertThat(subject(s.getSession().getPeerCertificates()[0])).isEqualTo("CN=keystore.test");
                assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
                // Camel's own JDK SSLContext offers no ALPN: this is the gateway's context
                assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
                assertThat(get(s, "keystore.test")).startsWith("HTTP/1.1 200");
            }
        }
    }

    @Test
    void logsOnceThatTheEngineIsOpenSsl() {
        assumeTrue("amd64".equals(System.getProperty("os.arch")) && "Linux".equals(System.getProperty("os.name")),
                "BoringSSL is packaged for linux-x86_64");
        List<String> lines = startLog.stream().filter(m -> m.startsWith("TLS engine")).toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("TLS engine: OpenSSL");
    }

    private static String servedSubject(String serverName) throws Exception {
        try (SSLSocket s = connect(serverName, "TLSv1.3")) {
            return subject(s.getSession().getPeerCertificates()[0]);
        }
    }

    private static SSLSocket connect(String serverName, String protocol) throws Exception {
        SSLSocket s = (SSLSocket) trustingAll().getSocketFactory().createSocket("127.0.0.1", gateway.port());
        s.setSoTimeout(10_000);
        SSLParameters parameters = s.getSSLParameters();
        parameters.setProtocols(new String[] {protocol});
        // a JDK client connecting to an IP address sends no server name unless told
        parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
        parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
        s.setSSLParameters(parameters);
        s.startHandshake();
        return s;
    }

    private static String get(SSLSocket s, String host) throws IOException {
        s.getOutputStream().write(("GET /sni HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static String subject(Certificate certificate) {
        return ((X509Certificate) certificate).getSubjectX500Principal().getName();
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /** The certificates under test are self-signed on purpose; which one was served is what is checked. */
    private static SSLContext trustingAll() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, null);
        return context;
    }

    private static void selfSigned(Path folder, String cn, String san) throws Exception {
        openssl(folder, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "tls.key", "-out", "tls.crt",
                "-subj", "/CN=" + cn, "-addext", "subjectAltName=" + san, "-days", "2");
    }

    private static void openssl(Path workDir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Result result = run(command, workDir);
        assertThat(result.exit()).as("%s: %s", command, result.output()).isZero();
    }

    private static Result sClient(String... options) throws Exception {
        return sClientWith(Path.of("/dev/null"), options);
    }

    private static Result sClientWith(Path input, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
                "127.0.0.1:" + gateway.port(), "-servername", "b.test"));
        command.addAll(List.of(options));
        return run(command, dir, input);
    }

    record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Path workDir) throws Exception {
        return run(command, workDir, Path.of("/dev/null"));
    }

    private static Result run(List<String> command, Path workDir, Path input) throws Exception {
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectInput(input.toFile()).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not end: " + output);
        }
        return new Result(process.exitValue(), output);
    }
}
