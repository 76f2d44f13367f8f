package org.camelgateway.backend;

import org.apache.camel.component.http.HttpEndpoint;
import javax.net.ssl.HostnameVerifier;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which backend endpoints the non-blocking client takes, and which it leaves to camel-http. */
class BackendClientTest {

    private DefaultCamelContext context;
    private BackendClient client;

    @BeforeEach
    void start() {
        context = new DefaultCamelContext();
        GatewayHttpComponent http = new GatewayHttpComponent();
        // as application.properties sets them
        http.setCookieManagementDisabled(true);
        http.setContentCompressionDisabled(true);
        http.setRedirectHandlingDisabled(true);
        http.setDefaultUserAgentDisabled(true);
        http.setCopyHeaders(false);
        http.setSoTimeout(60_000);
        http.setConnectTimeout(5_000);
        http.setResponseTimeout(60_000);
        context.addComponent("http", http);
        context.addComponent("https", http);
        context.start();
        client = new BackendClient(new BackendExecutor(16), true);
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private boolean serves(String uri) {
        return client.serves(context.getEndpoint(uri, HttpEndpoint.class));
    }

    @Test
    void takesPlainEndpointsAndTimeoutsOfTheirOwn() {
        // the first endpoint builds camel-http's shared pool and carries soTimeout among its connection options
        assertThat(serves("http://127.0.0.1:9101")).isTrue();
        assertThat(serves("http://127.0.0.1:9102/base")).isTrue();
        assertThat(serves("http://127.0.0.1:9103?responseTimeout=500&connectTimeout=100&soTimeout=200")).isTrue();
        assertThat(serves("http://127.0.0.1:9104?preserveHostHeader=true&bridgeEndpoint=true")).isTrue();
    }

    @Test
    void takesHttpsEndpointsOnTheGatewaysOwnTls() {
        assertThat(serves("https://127.0.0.1:9101")).isTrue();
        assertThat(serves("https://localhost:9102/base?connectTimeout=100")).isTrue();
    }

    @Test
    void leavesHttpsEndpointsWithTlsSettingsOfTheirOwnToCamelHttp() {
        context.getRegistry().bind("ssl", new SSLContextParameters());
        context.getRegistry().bind("anyHost", (HostnameVerifier) (host, session) -> true);
        assertThat(serves("https://127.0.0.1:9101?sslContextParameters=#ssl")).isFalse();
        assertThat(serves("https://127.0.0.1:9102?x509HostnameVerifier=#anyHost")).isFalse();
    }

    @Test
    void leavesWhatItDoesNotImplementToCamelHttp() {
        assertThat(serves("http://127.0.0.1:9101?throwExceptionOnFailure=true")).isFalse();
        assertThat(serves("http://127.0.0.1:9101?authMethod=Basic&authUsername=u&authPassword=p")).isFalse();
        assertThat(serves("http://127.0.0.1:9101?proxyHost=127.0.0.1&proxyPort=3128")).isFalse();
        assertThat(serves("http://127.0.0.1:9101?httpConnection.bufferSize=1024")).isFalse();
        assertThat(serves("http://127.0.0.1:9101?copyHeaders=true")).isFalse();
    }

    @Test
    void leavesEverythingToCamelHttpWhenSwitchedOff() {
        client = new BackendClient(new BackendExecutor(16), false);
        assertThat(serves("http://127.0.0.1:9101")).isFalse();
    }
}
