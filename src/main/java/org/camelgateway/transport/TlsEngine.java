package org.camelgateway.transport;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * The TLS engine and versions both sides use, listener and backend connections alike: BoringSSL where
 * netty-tcnative loads, the JDK's engine elsewhere, and TLS 1.2 and 1.3 only.
 */
public final class TlsEngine {

    /** TLS 1.0 and 1.1 are refused both ways (RFC 8996). */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsEngine() {
    }

    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
}
