package org.camelgateway.listener;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/**
 * Whether a decoded request head may be routed, decided from the head and the listener's address alone (no channel,
 * no I/O), so the hostile-input table is testable without sockets. {@link RequestOrderHandler} answers a refusal and
 * closes the connection, so nothing after a bad head is read as another request.
 * <ul>
 * <li>malformed heads (Netty's decoder failures): 400; a request line over the limit 414; headers over the limit
 * 431, where Netty and Camel would send an empty 400;</li>
 * <li>request smuggling: {@code Content-Length} with {@code Transfer-Encoding}, or any {@code Transfer-Encoding}
 * but a plain {@code chunked}: 400, or 501 for a well-formed but unsupported coding;</li>
 * <li>a method HTTP does not define: 501 (Camel's own method check matches substrings, so {@code GE} passed);</li>
 * <li>a missing Host on HTTP/1.1: 400; HTTP/1.0 without one is served, as the listener's own address;</li>
 * <li>the target: absolute-form is served as its path, dot segments and duplicate slashes are normalized before
 * routing, and a path above the root or a malformed escape gets 400.</li>
 * </ul>
 */
final class RequestHeadCheck {

    /** The status and short reason a refused head is answered with. */
    record Refusal(int status, String reason) {
    }

    /** What HTTP/1.1 defines; TRACE and CONNECT are refused later by the listener with 405. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH",
            "OPTIONS", "TRACE", "CONNECT");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9a-z-]+");

    // fixed refusals made once: a flood of bad heads costs no allocation here
    private static final Refusal LINE_TOO_LONG = new Refusal(414, "request line is over the limit");
    private static final Refusal HEADERS_TOO_LARGE = new Refusal(431, "request headers are over the limit");
    private static final Refusal MALFORMED = new Refusal(400, "malformed request");
    private static final Refusal UNKNOWN_METHOD = new Refusal(501, "method not implemented");
    private static final Refusal LENGTH_AND_CHUNKED = new Refusal(400, "both Content-Length and Transfer-Encoding");
    private static final Refusal CODING_NOT_SUPPORTED = new Refusal(501, "transfer coding not supported");
    private static final Refusal INVALID_CODING = new Refusal(400, "invalid Transfer-Encoding");
    private static final Refusal TWO_HOSTS = new Refusal(400, "more than one Host header");
    private static final Refusal NO_HOST = new Refusal(400, "missing Host header");
    private static final Refusal NOT_A_PATH = new Refusal(400, "request target must be a path");

    private RequestHeadCheck() {
    }

    /**
     * Null if the request may be routed, else why not. A routable head is rewritten in place, as routing needs it:
     * its target normalized, and on HTTP/1.0 without Host, {@code local} (the listener's address) as its Host.
     */
    static Refusal check(HttpRequest request, InetSocketAddress local) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                return LINE_TOO_LONG;
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return HEADERS_TOO_LARGE;
            }
            return MALFORMED;
        }
        if (!KNOWN_METHODS.contains(request.method().name())) {
            return UNKNOWN_METHOD;
        }
        HttpHeaders headers = request.headers();
        // contains and an iterator rather than getAll, which built two lists for every request
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
            if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return LENGTH_AND_CHUNKED;
            }
            if (codings.size() != 1 || !"chunked".equalsIgnoreCase(codings.get(0))) {
                return endsInChunkedOnce(codings) ? CODING_NOT_SUPPORTED : INVALID_CODING;
            }
        }
        Iterator<String> hosts = headers.valueStringIterator(HttpHeaderNames.HOST);
        if (hosts.hasNext()) {
            hosts.next();
            if (hosts.hasNext()) {
                return TWO_HOSTS;
            }
        } else {
            if (!request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                return NO_HOST;
            }
            headers.set(HttpHeaderNames.HOST, local.getAddress().getHostAddress() + ":" + local.getPort());
        }
        String uri = request.uri();
        if (!uri.startsWith("/") && !uri.regionMatches(true, 0, "http://", 0, 7)
                && !uri.regionMatches(true, 0, "https://", 0, 8)) {
            return NOT_A_PATH;
        }
        try {
            RequestTarget target = RequestTarget.parse(uri);
            String path = PathNormalizer.normalize(target.rawPath());
            if (target.rawQuery() != null) {
                PathNormalizer.checkEncoding(target.rawQuery(), "query");
            }
            request.setUri(target.rawQuery() == null ? path : path + "?" + target.rawQuery());
        } catch (PathNormalizer.InvalidPathException e) {
            return new Refusal(400, e.getMessage());
        }
        return null;
    }

    /**
     * Well-formed codings with {@code chunked} once and last (RFC 9112 6.3): a request the gateway understands
     * but does not support (501). Anything else cannot be framed reliably (400).
     */
    private static boolean endsInChunkedOnce(List<String> values) {
        List<String> codings = new ArrayList<>();
        for (String value : values) {
            for (String coding : value.split(",", -1)) {
                String c = coding.trim().toLowerCase(Locale.ROOT);
                if (!TOKEN.matcher(c).matches()) {
                    return false;
                }
                codings.add(c);
            }
        }
        return codings.size() > 1 && codings.indexOf("chunked") == codings.size() - 1;
    }
}
