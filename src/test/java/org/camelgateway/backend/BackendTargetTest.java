package org.camelgateway.backend;

import java.net.URI;
import java.util.Random;

import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.http.common.HttpHelper;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The backend URL is camel-http's in every case but one: {@code ~} stays as the client sent it. */
class BackendTargetTest {

    private DefaultCamelContext context;

    @BeforeEach
    void start() {
        context = new DefaultCamelContext();
        context.addComponent("http", new GatewayHttpComponent());
        context.getPropertiesComponent().addInitialProperty("backend.port", "9107");
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private static final String[] ENDPOINTS = {"http://127.0.0.1:9101", "http://127.0.0.1:9101/",
        "http://127.0.0.1:9101/base", "http://127.0.0.1:9101/base/?x=1", "http://backend.example/a%20b",
        "http://[::1]:9102/v6", "http://127.0.0.1:9103/nb?bridgeEndpoint=false", "http://127.0.0.1:{{backend.port}}/p"};
    private static final String[] PATHS = {null, "", "/", "/a", "a", "//a", "/a/b%2Fc", "/a b", "/a|b", "/\u00e4",
        "/a?b", "/a#b", "/%zz", "/a%2", "/{{backend.port}}", "/a;p=1:@!$&'()*+,=", "/.."};
    private static final String[] QUERIES = {null, "", "x=1", "a=%2F&b", "q=a b", "q=a|b", "q=?x/y", "q=\u00e4",
        "q=%zz", "q=#frag", "q=[1]"};
    private static final String[] URIS = {null, "http://other:81/o", "/relative"};
    private static final String[] REST_URIS = {null, null, null, "http://rest:82/r?k=v"};
    private static final String[] REST_QUERIES = {null, null, null, "rq=1"};

    @Test
    void givesCamelHttpsUrlForEveryCombinationOfEndpointAndHeaders() {
        Random random = new Random(7);
        int compared = 0;
        for (int i = 0; i < 20_000; i++) {
            HttpEndpoint endpoint = context.getEndpoint(pick(random, ENDPOINTS), HttpEndpoint.class);
            String path = pick(random, PATHS);
            String rawQuery = pick(random, QUERIES);
            String query = random.nextBoolean() ? rawQuery : null;
            String uri = pick(random, URIS);
            String restUri = pick(random, REST_URIS);
            String restQuery = pick(random, REST_QUERIES);
            if (random.nextInt(4) == 0) {
                rawQuery = null; // only the decoded query, as a route may leave it
            }
            String camel;
            try {
                Exchange e = exchange(path, rawQuery, query, uri, restUri, restQuery);
                URI u = HttpHelper.createURI(e, HttpHelper.createURL(e, endpoint), endpoint);
                camel = u.getHost() + " " + u.getPort() + " " + u.getRawPath() + " " + u.getRawQuery();
            } catch (Exception ex) {
                camel = "fails";
            }
            String ours;
            try {
                BackendTarget t = BackendTarget.of(exchange(path, rawQuery, query, uri, restUri, restQuery), endpoint,
                        true);
                ours = t.host() + " " + t.port() + " " + t.rawPath() + " " + t.rawQuery();
            } catch (Exception ex) {
                ours = "fails";
            }
            assertThat(ours).as("%s path=%s raw=%s query=%s uri=%s rest=%s/%s", endpoint.getEndpointUri(), path,
                    rawQuery, query, uri, restUri, restQuery).isEqualTo(camel);
            compared += "fails".equals(camel) ? 0 : 1;
        }
        assertThat(compared).isGreaterThan(10_000);
    }

    @Test
    void keepsTildeWhereCamelHttpWouldEscapeIt() throws Exception {
        HttpEndpoint endpoint = context.getEndpoint("http://127.0.0.1:9101/~base", HttpEndpoint.class);
        BackendTarget t = BackendTarget.of(exchange("/~user/a~b", "t=~&u=%7E", null, null, null, null), endpoint, true);
        assertThat(t.requestTarget()).isEqualTo("/~base/~user/a~b?t=~&u=%7E");
        // and where the URL is parsed (a space to escape)
        t = BackendTarget.of(exchange("/~a b", "t=~", null, null, null, null), endpoint, true);
        assertThat(t.requestTarget()).isEqualTo("/~base/~a%20b?t=~");
    }

    @Test
    void leavesTheRestOverridesForCamelHttpWhenAskedTo() throws Exception {
        HttpEndpoint endpoint = context.getEndpoint("http://127.0.0.1:9101", HttpEndpoint.class);
        Exchange e = exchange(null, null, null, null, "http://rest:82/r", "rq=1");
        assertThat(BackendTarget.of(e, endpoint, false).requestTarget()).isEqualTo("/r?rq=1");
        assertThat(e.getIn().getHeader(Exchange.REST_HTTP_URI)).isEqualTo("http://rest:82/r");
        assertThat(BackendTarget.of(e, endpoint, true).host()).isEqualTo("rest");
        assertThat(e.getIn().getHeader(Exchange.REST_HTTP_URI)).isNull();
        assertThat(e.getIn().getHeader(Exchange.REST_HTTP_QUERY)).isNull();
    }

    private Exchange exchange(String path, String rawQuery, String query, String uri, String restUri,
            String restQuery) {
        Exchange e = new DefaultExchange(context);
        e.getIn().setHeader(Exchange.HTTP_PATH, path);
        e.getIn().setHeader(Exchange.HTTP_RAW_QUERY, rawQuery);
        e.getIn().setHeader(Exchange.HTTP_QUERY, query);
        e.getIn().setHeader(Exchange.HTTP_URI, uri);
        e.getIn().setHeader(Exchange.REST_HTTP_URI, restUri);
        e.getIn().setHeader(Exchange.REST_HTTP_QUERY, restQuery);
        return e;
    }

    private static String pick(Random random, String[] values) {
        return values[random.nextInt(values.length)];
    }
}
