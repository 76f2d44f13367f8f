package org.camelgateway.backend;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.util.function.Supplier;

import org.apache.hc.client5.http.socket.LayeredConnectionSocketFactory;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * camel-http's {@code https} socket factory, built on the first https call instead of when the first endpoint is
 * created. Building it means building the JDK's default TLS context (trust store, cipher suites): about 0.14 s of
 * the gateway's start, spent even when every backend is plain http (src/bench/RESULTS.md). Every call is the built
 * factory's own.
 */
final class DeferredTlsSocketFactory implements LayeredConnectionSocketFactory {

    private final Supplier<LayeredConnectionSocketFactory> factory;
    private volatile LayeredConnectionSocketFactory built;

    DeferredTlsSocketFactory(Supplier<LayeredConnectionSocketFactory> factory) {
        this.factory = factory;
    }

    private LayeredConnectionSocketFactory built() {
        LayeredConnectionSocketFactory f = built;
        if (f == null) {
            synchronized (this) {
                f = built;
                if (f == null) {
                    f = factory.get();
                    built = f;
                }
            }
        }
        return f;
    }

    @Override
    public Socket createSocket(HttpContext context) throws IOException {
        return built().createSocket(context);
    }

    @Override
    public Socket createSocket(Proxy proxy, HttpContext context) throws IOException {
        return built().createSocket(proxy, context);
    }

    @Override
    public Socket connectSocket(TimeValue connectTimeout, Socket socket, HttpHost host, InetSocketAddress remoteAddress,
            InetSocketAddress localAddress, HttpContext context) throws IOException {
        return built().connectSocket(connectTimeout, socket, host, remoteAddress, localAddress, context);
    }

    @Override
    public Socket connectSocket(Socket socket, HttpHost host, InetSocketAddress remoteAddress,
            InetSocketAddress localAddress, Timeout connectTimeout, Object attachment, HttpContext context)
            throws IOException {
        return built().connectSocket(socket, host, remoteAddress, localAddress, connectTimeout, attachment, context);
    }

    @Override
    public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context) throws IOException {
        return built().createLayeredSocket(socket, target, port, context);
    }

    @Override
    public Socket createLayeredSocket(Socket socket, String target, int port, Object attachment, HttpContext context)
            throws IOException {
        return built().createLayeredSocket(socket, target, port, attachment, context);
    }
}
