package org.camelgateway.listener;

import org.camelgateway.transport.TlsEngine;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import org.apache.camel.CamelContext;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.support.ResourceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a TLS listener's Netty {@link SslContext}: BoringSSL where netty-tcnative loads, the JDK's engine
 * elsewhere; TLS 1.2 and 1.3 only, ECDHE with AEAD ciphers, session resumption, ALPN. One per gateway (the
 * engine is logged once).
 */
public final class TlsContexts {

    /** What ALPN offers, in preference order; {@code h2} joins once the listener speaks HTTP/2. */
    static final List<String> APPLICATION_PROTOCOLS = List.of(ApplicationProtocolNames.HTTP_1_1);
    // forward secrecy and AEAD only (Mozilla's "intermediate" list); TLS 1.3's suites are all AEAD
    static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    /** nginx's ssl_session_timeout; TLS 1.2 only: BoringSSL gives TLS 1.3 tickets its own lifetime (48 h). */
    static final long SESSION_TIMEOUT_SECONDS = 300;
    /** One record: a ClientHello, even with post-quantum key shares, is far smaller. */
    static final int MAX_CLIENT_HELLO = 16 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(TlsContexts.class);

    private final AtomicBoolean engineLogged = new AtomicBoolean();

    /**
     * A listener's certificates as its endpoint options name them (any may be null): the default certificate in
     * PEM, and a folder of further certificates chosen by SNI.
     */
    public record Options(String certFile, String keyFile, String certDir) {

        static final String CERT_FILE = "tlsCertFile";
        static final String KEY_FILE = "tlsKeyFile";
        static final String CERT_DIR = "tlsCertDir";

        /** Takes the gateway's own options out of an endpoint's parameters (Camel would refuse them). */
        static Options take(Map<String, Object> parameters) {
            Object cert = parameters.remove(CERT_FILE);
            Object key = parameters.remove(KEY_FILE);
            Object dir = parameters.remove(CERT_DIR);
            if (cert == null && key == null && dir == null) {
                return null;
            }
            if ((cert == null) != (key == null)) {
                throw new IllegalArgumentException(CERT_FILE + " and " + KEY_FILE + " go together");
            }
            return new Options(cert == null ? null : cert.toString(), key == null ? null : key.toString(),
                    dir == null ? null : dir.toString());
        }
    }

    /** Makes each new connection's TLS handler. */
    @FunctionalInterface
    public interface ListenerTls {
        ChannelHandler newHandler(ByteBufAllocator alloc);
    }

    /**
     * The TLS of a listener with {@code ssl} on: from the gateway's PEM options if given, else from Camel's
     * ({@code keyStoreResource}/{@code passphrase}/{@code trustStoreResource}, or {@code sslContextParameters}).
     */
    public ListenerTls forListener(CamelContext camel, NettyHttpConfiguration config, Options options,
            long handshakeTimeoutMillis) throws Exception {
        ClientAuth clientAuth = config.isNeedClientAuth() ? ClientAuth.REQUIRE : ClientAuth.NONE;
        SslContext fallback;
        Map<String, SslContext> byName = new LinkedHashMap<>();
        if (options != null && options.certFile() != null) {
            fallback = fromPem(Path.of(options.certFile()), Path.of(options.keyFile()), clientAuth);
        } else if (config.getSslContextParameters() != null) {
            // the user's own protocol and cipher choices live in that SSLContext: the JDK engine keeps them
            fallback = new JdkSslContext(config.getSslContextParameters().createSSLContext(camel), false, null,
                    IdentityCipherSuiteFilter.INSTANCE, alpn(), clientAuth, null, false);
        } else if (config.getKeyStoreResource() != null) {
            fallback = fromKeyStore(camel, config, clientAuth);
        } else {
            fallback = null;
        }
        if (options != null && options.certDir() != null) {
            readCertDir(Path.of(options.certDir()), clientAuth, byName);
        }
        if (fallback == null) {
            if (byName.isEmpty()) {
                throw new IllegalArgumentException("a TLS listener on " + config.getAddress() + " needs "
                        + Options.CERT_FILE + "/" + Options.KEY_FILE + ", " + Options.CERT_DIR
                        + ", keyStoreResource or sslContextParameters");
            }
            fallback = byName.values().iterator().next();
        }
        if (byName.isEmpty()) {
            SslContext only = fallback;
            return alloc -> {
                SslHandler handler = only.newHandler(alloc);
                handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
                return handler;
            };
        }
        DomainWildcardMappingBuilder<SslContext> names = new DomainWildcardMappingBuilder<>(fallback);
        byName.forEach(names::add);
        Mapping<String, SslContext> mapping = names.build();
        // without a limit and a timeout, SniHandler waits for up to 16 MiB of ClientHello for ever
        return alloc -> new SniHandler(mapping, MAX_CLIENT_HELLO, handshakeTimeoutMillis);
    }

    private SslContext fromPem(Path certFile, Path keyFile, ClientAuth clientAuth) throws Exception {
        PemFiles pem = PemFiles.read(certFile, keyFile);
        return build(SslContextBuilder.forServer(pem.key(), pem.chain()), clientAuth);
    }

    private SslContext fromKeyStore(CamelContext camel, NettyHttpConfiguration config, ClientAuth clientAuth)
            throws Exception {
        char[] password = config.getPassphrase() == null ? null : config.getPassphrase().toCharArray();
        String format = config.getKeyStoreFormat() == null ? KeyStore.getDefaultType() : config.getKeyStoreFormat();
        KeyManagerFactory keys = KeyManagerFactory.getInstance(config.getSecurityProvider() == null
                ? KeyManagerFactory.getDefaultAlgorithm() : config.getSecurityProvider());
        keys.init(load(camel, config.getKeyStoreResource(), format, password), password);
        SslContextBuilder builder = SslContextBuilder.forServer(keys);
        if (config.getTrustStoreResource() != null) {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(load(camel, config.getTrustStoreResource(), format, password));
            builder.trustManager(trust);
        }
        return build(builder, clientAuth);
    }

    private static KeyStore load(CamelContext camel, String resource, String format, char[] password)
            throws Exception {
        KeyStore store = KeyStore.getInstance(format);
        try (InputStream in = ResourceHelper.resolveMandatoryResourceAsInputStream(camel, resource)) {
            store.load(in, password);
        }
        return store;
    }

    /**
     * Every sub-folder holding {@code tls.crt} and {@code tls.key} (one Kubernetes TLS secret mounted each) is a
     * certificate, served for the DNS names in its subject alternative names ({@code *.example.com} included),
     * or its CN without any. Folders are read in name order; a later one wins a name they share.
     */
    private void readCertDir(Path dir, ClientAuth clientAuth, Map<String, SslContext> byName) throws Exception {
        List<Path> folders = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                // a secret mount's own ..data and ..<timestamp> folders are not certificates
                if (!entry.getFileName().toString().startsWith(".") && Files.isRegularFile(entry.resolve("tls.crt"))) {
                    folders.add(entry);
                }
            }
        }
        folders.sort(null);
        for (Path folder : folders) {
            PemFiles pem = PemFiles.read(folder.resolve("tls.crt"), folder.resolve("tls.key"));
            SslContext context = build(SslContextBuilder.forServer(pem.key(), pem.chain()), clientAuth);
            for (String name : serverNames(pem.chain().get(0))) {
                byName.put(name, context);
            }
        }
    }

    static List<String> serverNames(X509Certificate certificate) throws CertificateParsingException {
        List<String> names = new ArrayList<>();
        Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
        if (alternatives != null) {
            for (List<?> alternative : alternatives) {
                if (Integer.valueOf(2).equals(alternative.get(0))) { // dNSName
                    names.add(alternative.get(1).toString());
                }
            }
        }
        if (names.isEmpty()) {
            String subject = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
            for (String part : subject.split(",")) {
                if (part.startsWith("CN=")) {
                    names.add(part.substring(3));
                }
            }
        }
        return names;
    }

    private SslContext build(SslContextBuilder builder, ClientAuth clientAuth) throws IOException {
        SslProvider provider = provider();
        // tickets (TLS 1.2 and 1.3) come from Netty's OpenSSL engine, which clears SSL_OP_NO_TICKET on each engine
        // unless -Djdk.tls.server.enableSessionTicketExtension=false; BoringSSL makes and rotates the keys
        return builder.sslProvider(provider)
                .protocols(TlsEngine.PROTOCOLS)
                .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(alpn())
                .clientAuth(clientAuth)
                .sessionTimeout(SESSION_TIMEOUT_SECONDS)
                .build();
    }

    private SslProvider provider() {
        SslProvider provider = TlsEngine.provider();
        if (engineLogged.compareAndSet(false, true)) {
            if (provider == SslProvider.OPENSSL) {
                LOG.info("TLS engine: OpenSSL ({})", OpenSsl.versionString());
            } else {
                LOG.info("TLS engine: JDK (OpenSSL unavailable: {})", String.valueOf(OpenSsl.unavailabilityCause()));
            }
        }
        return provider;
    }

    private static ApplicationProtocolConfig alpn() {
        return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, APPLICATION_PROTOCOLS);
    }
}
