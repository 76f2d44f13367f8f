package org.camelgateway.backend;

import org.camelgateway.exchange.PercentEncoding;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.BitSet;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.RuntimeExchangeException;
import org.apache.camel.component.http.HttpEndpoint;
import org.apache.camel.util.URISupport;
import org.apache.camel.util.UnsafeUriCharactersEncoder;

/**
 * Where a backend call goes (over TLS for an {@code https} URL): the URL camel-http's {@code HttpHelper.createURL} and {@code createURI} would make
 * (the endpoint's URI, or {@code CamelHttpUri} without {@code bridgeEndpoint}, plus {@code CamelHttpPath}, with
 * the query from {@code CamelHttpRawQuery}, {@code CamelHttpQuery} or the URI, and the REST producer's overrides),
 * with one difference: {@code ~} is sent as the client sent it. camel-http escapes it to {@code %7E}, but it is an
 * unreserved character (RFC 3986 2.3): a backend that compares paths byte for byte ({@code /~user/}, a signed
 * URL) would see another path than the client asked for.
 *
 * <p>The usual call (the endpoint's own URI, a plain path and query) is put together without parsing a
 * {@code java.net.URI} twice per request, as camel-http does; anything else is parsed as camel-http parses it.
 */
record BackendTarget(boolean secure, String host, int port, String rawPath, String rawQuery) {

    /** camel-http's unsafe characters for HTTP URIs, less {@code ~}. */
    private static final BitSet UNSAFE = new BitSet(128);

    static {
        for (char c : " \"<>#%{}|\\^`".toCharArray()) {
            UNSAFE.set(c);
        }
    }

    /**
     * @param consume remove the REST producer's one-shot overrides as camel-http does when it makes the call
     *                itself; false where camel-http still reads them after this
     */
    static BackendTarget of(Exchange exchange, HttpEndpoint endpoint, boolean consume) throws URISyntaxException {
        Message in = exchange.getIn();
        URI base = endpoint.getHttpUri();
        String url = (String) (consume ? in.removeHeader(Exchange.REST_HTTP_URI)
                : in.getHeader(Exchange.REST_HTTP_URI));
        if (url == null && !endpoint.isBridgeEndpoint()) {
            url = in.getHeader(Exchange.HTTP_URI, String.class);
        }
        boolean endpointUrl = url == null;
        if (endpointUrl) {
            url = base.toASCIIString();
        }
        if (url.contains("{{")) {
            endpointUrl = false;
            try {
                url = exchange.getContext().resolvePropertyPlaceholders(url);
            } catch (Exception e) {
                throw new RuntimeExchangeException("Cannot resolve property placeholders with uri: " + url, exchange,
                        e);
            }
        }
        String withPath = encode(withPath(url, in.getHeader(Exchange.HTTP_PATH, String.class)));

        String query = (String) (consume ? in.removeHeader(Exchange.REST_HTTP_QUERY)
                : in.getHeader(Exchange.REST_HTTP_QUERY));
        if (query == null) {
            query = in.getHeader(Exchange.HTTP_RAW_QUERY, String.class);
        }
        if (query == null) {
            query = in.getHeader(Exchange.HTTP_QUERY, String.class);
        }
        if (query == null) {
            query = base.getRawQuery();
        }
        if (query != null) {
            query = encode(query);
        }
        if (endpointUrl && base.getRawQuery() == null && base.getRawFragment() == null && withPath.startsWith(url)
                && isPlain(base.getRawPath(), false) && isPlain(withPath, url.length(), false)
                && (query == null || isPlain(query, true))) {
            // what parsing would give: the endpoint's path with a plain path appended, and the query as it is
            String rawPath = base.getRawPath() + withPath.substring(url.length());
            return new BackendTarget(isHttps(base.getScheme()), base.getHost(), base.getPort(), rawPath, query);
        }
        URI uri = new URI(withPath);
        if (query == null && uri.getRawQuery() != null) {
            query = encode(uri.getRawQuery());
        }
        if (query != null) {
            uri = URISupport.createURIWithQuery(uri, query);
        }
        return new BackendTarget(isHttps(uri.getScheme()), uri.getHost(), uri.getPort(), uri.getRawPath(),
                uri.getRawQuery());
    }

    /** For {@code http} a length check only: the plain path pays nothing for TLS. */
    static boolean isHttps(String scheme) {
        return "https".equalsIgnoreCase(scheme);
    }

    private static String encode(String s) {
        return UnsafeUriCharactersEncoder.encode(s, UNSAFE);
    }

    /** The request line's target: the path ({@code /} if none) and the query. */
    String requestTarget() {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        return rawQuery == null ? path : path + "?" + rawQuery;
    }

    /** {@code CamelHttpPath} joined to the URL as camel-http's {@code HttpHelper.createURL} joins them. */
    private static String withPath(String uri, String path) {
        if (path == null) {
            return uri;
        }
        if (path.length() > 1 && path.startsWith("/")) {
            path = path.substring(1);
        }
        if (path.isEmpty()) {
            return uri;
        }
        int idx = uri.indexOf('?');
        if (idx == -1) {
            if (uri.endsWith("/") && path.startsWith("/")) {
                return uri.concat(path.substring(1));
            }
            return (uri.endsWith("/") || path.startsWith("/") ? uri : uri + "/").concat(path);
        }
        String base = uri.substring(0, idx);
        base = base.endsWith("/") ? base : base + "/";
        base = base.concat(path.startsWith("/") ? path.substring(1) : path);
        return base.concat(uri.substring(idx));
    }

    private static boolean isPlain(String s, boolean query) {
        return isPlain(s, 0, query);
    }

    /** Only characters a URI parser keeps as they are (RFC 3986, well-formed escapes), and no {@code ?} in a path. */
    private static boolean isPlain(String s, int from, boolean query) {
        return PercentEncoding.firstInvalid(s, from, query) < 0;
    }
}
