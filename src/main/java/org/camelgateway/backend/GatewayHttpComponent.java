package org.camelgateway.backend;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Map;

import javax.net.ssl.HostnameVerifier;

import org.apache.camel.Endpoint;
import org.apache.camel.component.http.HttpComponent;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactory;
import org.apache.hc.core5.http.config.Registry;
import org.apache.hc.core5.http.config.RegistryBuilder;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.ssl.SSLContexts;
import org.apache.hc.core5.util.TimeValue;

/**
 * camel-http with proxy defaults that configuration cannot express:
 * <ul>
 * <li>{@code bridgeEndpoint=true} (the client's path and raw query are appended to the backend URI, and query
 * parameters are not sent as headers) and {@code throwExceptionOnFailure=false} (a backend's 4xx/5xx goes to the
 * client as it is) and {@code disableStreamCache=true} (large response bodies stream through instead of being
 * held in memory). They exist only per endpoint; a route that sets one in its URI keeps its own value;</li>
 * <li>pooled connections idle for over a second are checked before reuse, and an idempotent request that still
 * meets a connection the backend closed is resent once ({@link StaleConnectionRetryStrategy});</li>
 * <li>a {@code ~} in the client's path or query reaches the backend as it is ({@link BackendTargetActivityListener}), unless
 * the component or the endpoint logs HTTP activity with a listener of its own;</li>
 * <li>the JDK's default TLS context is built on the first https call, not at start ({@link DeferredTlsSocketFactory});
 * </li>
 * <li>a body the client sent goes out with any method, and header values as one line, as from {@link BackendClient}
 * ({@link RequestRulesExecChainHandler}).</li>
 * </ul>
 */
public class GatewayHttpComponent extends HttpComponent {

    private static final TimeValue VALIDATE_AFTER_IDLE = TimeValue.ofSeconds(1);

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        boolean bridgeGiven = parameters.containsKey("bridgeEndpoint");
        boolean throwGiven = parameters.containsKey("throwExceptionOnFailure");
        boolean cacheGiven = parameters.containsKey("disableStreamCache");
        HttpEndpoint endpoint = (HttpEndpoint) super.createEndpoint(uri, remaining, parameters);
        if (endpoint.isLogHttpActivity() && endpoint.getHttpActivityListener() == BackendTargetActivityListener.INSTANCE) {
            endpoint.setHttpActivityListener(null); // camel-http then makes its logging listener, as asked
        }
        if (!bridgeGiven) {
            endpoint.setBridgeEndpoint(true);
        }
        if (!throwGiven) {
            endpoint.setThrowExceptionOnFailure(false);
        }
        if (!cacheGiven) {
            // the response body stays HttpClient's stream and is relayed as it arrives (BlockingResponseRelay); a
            // route step that reads it first gets it cached by Camel's stream caching as usual
            endpoint.setDisableStreamCache(true);
        }
        return endpoint;
    }

    @Override
    protected void doInit() throws Exception {
        if (getHttpActivityListener() == null && !isLogHttpActivity()) {
            setHttpActivityListener(BackendTargetActivityListener.INSTANCE);
        }
        super.doInit();
    }

    @Override
    protected HttpClientBuilder createHttpClientBuilder(
            String uri, Map<String, Object> parameters, Map<String, Object> httpClientOptions) {
        HttpClientBuilder builder = super.createHttpClientBuilder(uri, parameters, httpClientOptions);
        builder.addExecInterceptorFirst(RequestRulesExecChainHandler.NAME, RequestRulesExecChainHandler.INSTANCE);
        if (!isAutomaticRetriesDisabled()) {
            builder.setRetryStrategy(StaleConnectionRetryStrategy.INSTANCE);
        }
        return builder;
    }

    /**
     * One connection pool for every endpoint without connection settings of its own, instead of camel-http's pool
     * per endpoint: an endpoint closes its own pool when its route is removed, which on a reload would cut every
     * response body still being relayed over it, and throw away warm connections the new routes could use.
     * Endpoints with their own SSL, host name verifier, pool sizes or {@code httpConnection.*} options keep a
     * pool of their own, as in camel-http.
     */
    @Override
    protected synchronized HttpClientConnectionManager createConnectionManager(
            Map<String, Object> parameters, SSLContextParameters sslContextParameters,
            Map<String, Object> httpConnectionOptions) throws GeneralSecurityException, IOException {
        boolean ownSettings = sslContextParameters != null || parameters.containsKey("x509HostnameVerifier")
                || parameters.containsKey("maxTotalConnections") || parameters.containsKey("connectionsPerRoute")
                || parameters.keySet().stream().anyMatch(k -> k.startsWith("httpConnection."));
        HttpClientConnectionManager shared = getClientConnectionManager();
        if (ownSettings) {
            // camel-http hands out the component's pool whenever one is set: build this endpoint its own
            setClientConnectionManager(null);
            try {
                return super.createConnectionManager(parameters, sslContextParameters, httpConnectionOptions);
            } finally {
                setClientConnectionManager(shared);
            }
        }
        if (shared == null) {
            // endpoints compare their pool with this one to know it is shared, and leave it open when they stop
            shared = super.createConnectionManager(parameters, null, httpConnectionOptions);
            setClientConnectionManager(shared);
        }
        return shared;
    }

    /** As camel-http's, with the default {@code https} factory built on demand ({@link DeferredTlsSocketFactory}). */
    @Override
    protected Registry<ConnectionSocketFactory> createConnectionRegistry(HostnameVerifier hostnameVerifier,
            SSLContextParameters sslContextParameters, boolean useSystemProperties)
            throws GeneralSecurityException, IOException {
        if (sslContextParameters != null) {
            return super.createConnectionRegistry(hostnameVerifier, sslContextParameters, useSystemProperties);
        }
        return RegistryBuilder.<ConnectionSocketFactory>create()
                .register("http", PlainConnectionSocketFactory.getSocketFactory())
                .register("https", new DeferredTlsSocketFactory(() -> new SSLConnectionSocketFactory(
                        useSystemProperties ? SSLContexts.createSystemDefault() : SSLContexts.createDefault(),
                        hostnameVerifier)))
                .build();
    }

    @Override
    @SuppressWarnings("deprecation") // the per-route ConnectionConfig would also replace Camel's timeouts
    protected HttpClientConnectionManager createConnectionManager(
            Registry<ConnectionSocketFactory> registry, int maxTotalConnections, int connectionsPerRoute,
            SocketConfig defaultSocketConfig) {
        HttpClientConnectionManager manager = super.createConnectionManager(
                registry, maxTotalConnections, connectionsPerRoute, defaultSocketConfig);
        if (manager instanceof PoolingHttpClientConnectionManager pool) {
            pool.setValidateAfterInactivity(VALIDATE_AFTER_IDLE);
        }
        return manager;
    }
}
