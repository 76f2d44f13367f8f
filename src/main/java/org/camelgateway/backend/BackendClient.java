package org.camelgateway.backend;

import org.camelgateway.exchange.GatewayExchange;
import org.camelgateway.transport.NativeTransport;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.HostnameVerifier;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.URISupport;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls backends without blocking a thread: the request goes out on the event loop of the client's own
 * connection, the response is read there, and for the usual small response the route continues there too, so a
 * request crosses no thread at all once routed (Envoy's and nginx's worker model). camel-http blocks a thread
 * for every call; measured side by side this halves the CPU per request (see src/bench/RESULTS.md).
 *
 * <p>It serves {@code to: http://...} and {@code to: https://...} endpoints (TLS: {@link BackendTls}) whose options
 * it implements exactly the way camel-http does (Camel's own helpers build the method and URL, the endpoint's header
 * filter strategy picks headers); an endpoint with anything else (TLS settings of its own, a proxy, authentication,
 * cookies, {@code throwExceptionOnFailure} and the other options listed in {@link #unserved}) keeps going through
 * camel-http, and the log says so once per endpoint.
 *
 * <p>Connections are pooled per event loop and backend scheme and address, touched only from their loop, so the pool
 * needs no lock. A pooled connection idle for longer than {@link #IDLE_TIMEOUT_MILLIS} is closed.
 */
public final class BackendClient extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(BackendClient.class);
    /** Idle pooled connections are closed after this (nginx's upstream keepalive_timeout is 60 s). */
    static final long IDLE_TIMEOUT_MILLIS = 60_000;
    /** Idle connections kept per event loop and backend; more are closed when released. */
    private static final int MAX_IDLE = 1024;
    private static final AttributeKey<Long> IDLE_SINCE = AttributeKey.valueOf("gatewayIdleSince");

    private final BackendExecutor executor;
    private final boolean enabled;
    private final EventLoopGroup fallback;
    private final Map<EventLoop, LoopPool> pools = new ConcurrentHashMap<>();
    private final BackendTls tls;

    /**
     * @param executor where a route continues after a response too large to hold (it reads the body as it
     *                 arrives), and the limit on backend calls in flight
     * @param enabled  false sends every call through camel-http ({@code gateway.backend-client=http})
     */
    public BackendClient(BackendExecutor executor, boolean enabled) {
        this(executor, enabled, "");
    }

    /**
     * @param trustFile PEM CA bundle https backends' certificates must chain to ({@code gateway.backend.tls.trust-file});
     *                  empty for the JDK's default trust store
     */
    public BackendClient(BackendExecutor executor, boolean enabled, String trustFile) {
        this.executor = executor;
        this.enabled = enabled;
        this.tls = new BackendTls(trustFile);
        // for exchanges that did not come from a client connection (a route started by a timer, a test template)
        this.fallback = enabled ? new NioEventLoopGroup(1, new DefaultThreadFactory("gateway-backend-io", true)) : null;
        if (!enabled) {
            LOG.info("Every backend call goes through camel-http (gateway.backend-client=http)");
        }
    }

    /** Whether a call to {@code endpoint} goes through this client; decided once per endpoint, and logged. */
    public boolean serves(HttpEndpoint endpoint) {
        String reason = unserved(endpoint);
        if (reason == null && BackendTarget.isHttps(endpoint.getHttpUri().getScheme())) {
            tls.context(); // at route start, off the event loops: a broken trust file fails the route here
        }
        if (reason == null) {
            LOG.debug("Backend {}: non-blocking client", URISupport.sanitizeUri(endpoint.getEndpointUri()));
        } else if (enabled) {
            LOG.info("Backend {} goes through camel-http (blocking, a thread per call): {}",
                    URISupport.sanitizeUri(endpoint.getEndpointUri()), reason);
        }
        return reason == null;
    }

    /** Why camel-http must make the calls to {@code endpoint}, or null if this client implements all it asks. */
    private String unserved(HttpEndpoint e) {
        if (!enabled) {
            return "gateway.backend-client=http";
        }
        HttpComponent c = e.getComponent();
        Map<String, Boolean> options = new LinkedHashMap<>();
        boolean https = BackendTarget.isHttps(e.getHttpUri().getScheme());
        options.put("TLS settings of the endpoint or component (sslContextParameters, x509HostnameVerifier)", https
                && (c.getSslContextParameters() != null || c.isUseGlobalSslContextParameters()
                        || ownVerifier(c.getX509HostnameVerifier()) || ownVerifier(e.getX509HostnameVerifier())
                        || hasOption(e, "sslContextParameters") || hasOption(e, "x509HostnameVerifier")));
        options.put("authentication, OAuth 2 or a proxy", e.getHttpClientConfigurer() != null
                || e.getAuthBearerToken() != null || e.isUseSystemProperties());
        options.put("sslContextParameters", e.getSslContextParameters() != null);
        options.put("httpContext", e.getHttpContext() != null);
        options.put("cookieHandler", e.getCookieHandler() != null);
        options.put("customHostHeader", e.getCustomHostHeader() != null);
        options.put("userAgent", e.getUserAgent() != null);
        options.put("logHttpActivity", e.getHttpActivityListener() != null
                && e.getHttpActivityListener() != BackendTargetActivityListener.INSTANCE || e.isLogHttpActivity());
        options.put("httpClient.* or httpConnection.* options", hasOwnOptions(e.getHttpClientOptions())
                || hasOwnOptions(e.getHttpConnectionOptions()));
        options.put("throwExceptionOnFailure=true", e.isThrowExceptionOnFailure());
        options.put("skipRequestHeaders, skipResponseHeaders or skipControlHeaders",
                e.isSkipRequestHeaders() || e.isSkipResponseHeaders() || e.isSkipControlHeaders());
        options.put("ignoreResponseBody", e.isIgnoreResponseBody());
        options.put("followRedirects", e.isFollowRedirects() || !c.isRedirectHandlingDisabled());
        options.put("getWithBody or deleteWithBody", e.isGetWithBody() || e.isDeleteWithBody());
        options.put("multipartUpload", e.isMultipartUpload());
        options.put("copyHeaders", e.isCopyHeaders());
        options.put("cookie management", !c.isCookieManagementDisabled());
        options.put("content compression", !c.isContentCompressionDisabled());
        options.put("HttpClient's User-Agent", !c.isDefaultUserAgentDisabled());
        return options.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).findFirst().orElse(null);
    }

    /** camel-http's default verifies host names as this client does; any other is the user's own rule. */
    private static boolean ownVerifier(HostnameVerifier verifier) {
        return verifier != null && verifier.getClass() != DefaultHostnameVerifier.class;
    }

    /** camel-http keeps an endpoint's own TLS settings in its connection pool, not on the endpoint. */
    private static boolean hasOption(HttpEndpoint e, String name) {
        try {
            return URISupport.parseParameters(java.net.URI.create(e.getEndpointUri())).containsKey(name);
        } catch (Exception unparsable) {
            return true; // camel-http then, which parsed it
        }
    }

    /** camel-http also lists its timeouts among these options; they are read through the endpoint here. */
    private static boolean hasOwnOptions(Map<String, Object> options) {
        return options != null && options.keySet().stream().anyMatch(key -> !TIMEOUTS.contains(key));
    }

    private static final Set<String> TIMEOUTS = Set.of(
            "connectTimeout", "soTimeout", "responseTimeout", "connectionRequestTimeout");

    /**
     * Sends the exchange's request to {@code endpoint} and fills the exchange with the response or the failure, as
     * camel-http does, then calls {@code callback} (always asynchronously).
     *
     * @return false, or true if it failed at once (callback already called)
     */
    public boolean call(Exchange exchange, HttpEndpoint endpoint, AsyncCallback callback) {
        if (!executor.tryEnter()) {
            exchange.setException(new RejectedExecutionException(
                    "more than the allowed backend calls in flight"));
            callback.done(true);
            return true;
        }
        BackendRequest request;
        try {
            request = BackendRequest.of(exchange, endpoint);
        } catch (Exception e) {
            executor.leave();
            exchange.setException(e);
            callback.done(true);
            return true;
        }
        Channel client = exchange.getProperty(GatewayExchange.CHANNEL, Channel.class);
        EventLoop loop = NativeTransport.isSocket(client) && client.isRegistered() ? client.eventLoop()
                : fallback.next();
        BackendCallState call = new BackendCallState(exchange, request, endpoint.getConnectTimeout(),
                endpoint.getResponseTimeout() > 0 ? endpoint.getResponseTimeout() : endpoint.getSoTimeout(),
                !endpoint.getComponent().isAutomaticRetriesDisabled(), new Completion(callback));
        if (loop.inEventLoop()) {
            start(loop, call);
        } else {
            loop.execute(() -> start(loop, call));
        }
        return false;
    }

    /** Runs the rest of the route: on the event loop for a held response, else on the executor. */
    final class Completion {
        private final AsyncCallback callback;

        Completion(AsyncCallback callback) {
            this.callback = callback;
        }

        void onLoop() {
            executor.leave();
            callback.done(false);
        }

        void offLoop() {
            executor.continueWith(() -> {
                try {
                    callback.done(false);
                } finally {
                    executor.leave();
                }
            });
        }
    }

    private void start(EventLoop loop, BackendCallState call) {
        pools.computeIfAbsent(loop, LoopPool::new).send(call, true);
    }

    @Override
    protected void doStop() {
        for (LoopPool pool : pools.values()) {
            try {
                pool.loop.execute(pool::closeIdle);
            } catch (RejectedExecutionException e) {
                // the listener's event loops stopped first (Main.stop() without a drain): each closed its channels,
                // the pooled backend connections among them, as it shut down
            }
        }
        if (fallback != null) {
            fallback.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    /** The connections of one event loop, touched only from that loop. */
    final class LoopPool {

        private final EventLoop loop;
        private final Bootstrap bootstrap;
        private final Map<String, ArrayDeque<Channel>> idle = new HashMap<>();

        LoopPool(EventLoop loop) {
            this.loop = loop;
            this.bootstrap = new Bootstrap().group(loop).channel(NativeTransport.socketChannelFor(loop))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            // response heads up to 64 KiB (HttpClient has no limit; nginx's proxy_buffer_size is 4-8k)
                            channel.pipeline().addLast(new HttpClientCodec(8192, 65536, 65536),
                                    new BackendConnection(LoopPool.this));
                        }
                    });
            loop.scheduleAtFixedRate(this::closeExpired, IDLE_TIMEOUT_MILLIS / 2, IDLE_TIMEOUT_MILLIS / 2,
                    TimeUnit.MILLISECONDS);
        }

        /** Sends on an idle pooled connection if there is one (and {@code reuse}), else on a new connection. */
        void send(BackendCallState call, boolean reuse) {
            ArrayDeque<Channel> free = reuse ? idle.get(call.request.address) : null;
            Channel channel;
            long now = System.nanoTime();
            while (free != null && (channel = free.pollLast()) != null) {
                Long since = channel.attr(IDLE_SINCE).getAndSet(null);
                if (channel.isActive() && since != null && now - since < IDLE_TIMEOUT_MILLIS * 1_000_000) {
                    channel.pipeline().get(BackendConnection.class).begin(call, true);
                    return;
                }
                channel.close();
            }
            long started = call.request.secure ? System.nanoTime() : 0;
            ChannelFuture connecting = bootstrap.clone()
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, call.connectTimeout))
                    .connect(call.request.host, call.request.port);
            connecting.addListener(f -> {
                if (f.isSuccess()) {
                    if (call.request.secure) {
                        handshake(connecting.channel(), call, started);
                    } else {
                        connecting.channel().pipeline().get(BackendConnection.class).begin(call, false);
                    }
                } else {
                    Throwable cause = f.cause();
                    if (cause instanceof io.netty.channel.ConnectTimeoutException) {
                        // HttpClient's type: a connect timeout means the request never left (see BackendFailure)
                        cause = new ConnectTimeoutException(cause.getMessage());
                    }
                    call.fail(cause);
                }
            });
        }

        /**
         * TLS on a new connection; the request goes out once the handshake is done, in what is left of the connect
         * timeout. Added once connected, so the handshake starts with the time known (it starts as soon as the
         * handler is in an active channel).
         */
        private void handshake(Channel channel, BackendCallState call, long started) {
            long left = BackendTls.remainingMillis(call.connectTimeout, started);
            SslHandler handler = tls.newHandler(channel.alloc(), call.request.host, call.request.port, left);
            channel.pipeline().addFirst(handler);
            handler.handshakeFuture().addListener(done -> {
                if (done.isSuccess()) {
                    channel.pipeline().get(BackendConnection.class).begin(call, false);
                } else {
                    channel.close();
                    call.fail(BackendTls.connectFailure(done.cause(), left));
                }
            });
        }

        /** A connection that finished a response and may serve another. */
        void release(Channel channel, String key) {
            ArrayDeque<Channel> free = idle.computeIfAbsent(key, k -> new ArrayDeque<>());
            if (free.size() >= MAX_IDLE || !channel.isActive()) {
                channel.close();
                return;
            }
            channel.attr(IDLE_SINCE).set(System.nanoTime());
            free.addLast(channel);
        }

        void forget(Channel channel, String key) {
            ArrayDeque<Channel> free = idle.get(key);
            if (free != null) {
                free.remove(channel);
            }
        }

        private void closeExpired() {
            long now = System.nanoTime();
            for (ArrayDeque<Channel> free : idle.values()) {
                for (Iterator<Channel> it = free.iterator(); it.hasNext();) {
                    Channel channel = it.next();
                    Long since = channel.attr(IDLE_SINCE).get();
                    if (since == null || now - since >= IDLE_TIMEOUT_MILLIS * 1_000_000) {
                        it.remove();
                        channel.close();
                    }
                }
            }
        }

        private void closeIdle() {
            idle.values().forEach(free -> free.forEach(Channel::close));
            idle.clear();
            LOG.debug("Closed idle backend connections of {}", loop);
        }
    }
}
