package org.camelgateway.backend;

import org.camelgateway.transport.TlsEngine;

import java.io.File;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of {@link BackendClient}'s {@code https} connections: one client {@link SslContext} per gateway,
 * BoringSSL where netty-tcnative loads and the JDK's engine elsewhere, TLS 1.2 and 1.3 only, and the backend's host
 * name verified against its certificate. Netty 4.1 verifies no host name unless told, and sends SNI only when the
 * handler is made with the peer's host (never for an IP literal, and with the JDK's engine only for a name with a
 * dot), so both are set here and nowhere else.
 *
 * <p>Built on the first https endpoint, not at start: building the trust store costs about 0.14 s, which a gateway
 * with only plain backends should not pay (as {@link DeferredTlsSocketFactory} for camel-http).
 */
final class BackendTls {

    private static final Logger LOG = LoggerFactory.getLogger(BackendTls.class);

    private final String trustFile;
    private volatile SslContext context;

    /** @param trustFile PEM CA bundle the backends' certificates must chain to; empty for the JDK's trust store */
    BackendTls(String trustFile) {
        this.trustFile = trustFile == null ? "" : trustFile.trim();
    }

    /** Builds the context if not yet built; a missing or broken trust file fails the route that needs it. */
    SslContext context() {
        SslContext c = context;
        if (c == null) {
            synchronized (this) {
                c = context;
                if (c == null) {
                    c = build();
                    context = c;
                }
            }
        }
        return c;
    }

    private SslContext build() {
        SslProvider provider = TlsEngine.provider();
        SslContextBuilder builder = SslContextBuilder.forClient().sslProvider(provider)
                .protocols(TlsEngine.PROTOCOLS).endpointIdentificationAlgorithm("HTTPS");
        try {
            if (!trustFile.isEmpty()) {
                builder.trustManager(new File(trustFile));
            }
            SslContext built = builder.build();
            LOG.info("https backends: {} engine, trusting {}", provider,
                    trustFile.isEmpty() ? "the JDK's default trust store" : trustFile);
            return built;
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("gateway.backend.tls.trust-file " + trustFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * A handler for a new connection to {@code host}: SNI and the verified name are {@code host}, the handshake must
     * end within {@code timeoutMillis} (what is left of the connect timeout; 0 for none).
     */
    SslHandler newHandler(ByteBufAllocator alloc, String host, int port, long timeoutMillis) {
        SslHandler handler = context().newHandler(alloc, host, port);
        if (!NetUtil.isValidIpV4Address(host) && !NetUtil.isValidIpV6Address(host)) {
            // the JDK's engine sends SNI only for a name with a dot: "localhost" or a bare service name would get
            // none, and a backend with several certificates its default one (curl and nginx send any name)
            SNIHostName name;
            try {
                name = new SNIHostName(host);
            } catch (IllegalArgumentException notADnsName) {
                name = null; // "my_service": no SNI, as the engine would do; the name is still verified
            }
            if (name != null) {
                SSLEngine engine = handler.engine();
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setServerNames(List.of(name));
                engine.setSSLParameters(parameters);
            }
        }
        handler.setHandshakeTimeoutMillis(Math.max(0, timeoutMillis));
        return handler;
    }

    /**
     * A failed handshake as a connect failure: the request was never sent, so it is a 502 (or 504 when out of time)
     * that may go to another backend whatever its method ({@code errors.BackendFailure}), not a failed exchange.
     */
    static Exception connectFailure(Throwable cause, long timeoutMillis) {
        if (cause instanceof SslHandshakeTimeoutException) {
            ConnectTimeoutException timeout = new ConnectTimeoutException(
                    "TLS handshake with backend not done within " + timeoutMillis + " ms");
            timeout.initCause(cause);
            return timeout;
        }
        ConnectException refused = new ConnectException("TLS handshake with backend failed: " + cause.getMessage());
        refused.initCause(cause);
        return refused;
    }

    static long remainingMillis(long connectTimeoutMillis, long startNanos) {
        if (connectTimeoutMillis <= 0) {
            return 0;
        }
        long left = connectTimeoutMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        return Math.max(1, left);
    }
}
