package org.camelgateway.listener;

import org.camelgateway.exchange.PercentEncoding;

/**
 * The request target of an HTTP/1.1 request line, split without changing a byte of it.
 *
 * <p>{@code java.net.URI} is not used: it rejects targets that servers accept in practice and re-encodes what it
 * decodes. The raw path and raw query are what a backend receives; the decoded forms are only for routing
 * predicates ({@code CamelHttpUri}, {@code CamelHttpQuery}).
 */
public record RequestTarget(String rawPath, String rawQuery) {

    /** Splits origin-form ({@code /a?b}) and absolute-form ({@code http://host/a?b}, RFC 9112 3.2.2) targets. */
    public static RequestTarget parse(String target) {
        String t = target;
        int schemeEnd = t.indexOf("://");
        if (schemeEnd > 0 && !t.startsWith("/")) {
            int pathStart = t.indexOf('/', schemeEnd + 3);
            int queryStart = t.indexOf('?', schemeEnd + 3);
            if (pathStart < 0 || (queryStart >= 0 && queryStart < pathStart)) {
                t = "/" + (queryStart >= 0 ? t.substring(queryStart) : "");
            } else {
                t = t.substring(pathStart);
            }
        }
        int hash = t.indexOf('#');
        if (hash >= 0) {
            t = t.substring(0, hash);
        }
        int q = t.indexOf('?');
        return q < 0 ? new RequestTarget(t, null) : new RequestTarget(t.substring(0, q), t.substring(q + 1));
    }

    public String decodedPath() {
        return PercentEncoding.decode(rawPath);
    }

    public String decodedQuery() {
        return rawQuery == null ? null : PercentEncoding.decode(rawQuery);
    }
}
