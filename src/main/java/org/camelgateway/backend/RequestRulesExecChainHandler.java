package org.camelgateway.backend;

import org.camelgateway.headers.HeaderRules;

import java.io.IOException;
import java.util.Iterator;

import org.apache.camel.Exchange;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.ExecChainHandler;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHeaders;

/**
 * An HttpClient exec interceptor that makes the request camel-http sends follow the rules {@link BackendRequest}
 * follows, so the two backend clients are indistinguishable to a backend:
 * <ul>
 * <li>a body the client sent goes out whatever the method ({@link BackendRequest#sendsBody}). camel-http attaches one
 * only to POST, PUT and PATCH, and with its {@code getWithBody}/{@code deleteWithBody} endpoint options (off by
 * default, and per endpoint only) to GET or DELETE, but to no other method;</li>
 * <li>each header value is one line ({@link HeaderRules#oneLine}): HttpClient replaces CR, LF, FF and VT, not
 * NUL.</li>
 * </ul>
 * It runs first in the chain, before HttpClient's protocol step frames the body with its {@code Content-Length}. The
 * body is the {@code StreamCacheEntity} {@link BackendCallProcessor} put on the message; the exchange is in the
 * call's context because camel-http puts it there for its activity listener, which the gateway's endpoints always
 * have ({@link BackendTargetActivityListener} or camel-http's logging one).
 */
final class RequestRulesExecChainHandler implements ExecChainHandler {

    static final String NAME = "gateway-request-rules";
    static final RequestRulesExecChainHandler INSTANCE = new RequestRulesExecChainHandler();

    private RequestRulesExecChainHandler() {
    }

    @Override
    public ClassicHttpResponse execute(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain)
            throws IOException, HttpException {
        if (request.getEntity() == null
                && scope.clientContext.getAttribute(Exchange.class.getName()) instanceof Exchange exchange
                && exchange.getIn().getBody() instanceof HttpEntity body
                && BackendRequest.sendsBody(request.getMethod(), exchange)) {
            request.setEntity(body);
            if ("OPTIONS".equals(request.getMethod()) && !request.containsHeader(HttpHeaders.CONTENT_TYPE)) {
                // HttpCore refuses an OPTIONS body without the header (RFC 9110 9.3.7); octet-stream is what RFC
                // 9110 8.3 lets a recipient assume of a body that has no type
                request.setHeader(HttpHeaders.CONTENT_TYPE, body.getContentType() != null ? body.getContentType()
                        : "application/octet-stream");
            }
        }
        for (Iterator<Header> it = request.headerIterator(); it.hasNext();) {
            Header header = it.next();
            String value = header.getValue();
            // oneLine returns the very string it was given when there is nothing to replace
            if (value != null && HeaderRules.oneLine(value) != value) {
                oneLineEach(request);
                break;
            }
        }
        return chain.proceed(request, scope);
    }

    /** Rare (a route copied client input into a header): the headers are rebuilt in their order. */
    private static void oneLineEach(ClassicHttpRequest request) {
        Header[] headers = request.getHeaders();
        request.setHeaders();
        for (Header header : headers) {
            String value = header.getValue();
            request.addHeader(header.getName(), value == null ? null : HeaderRules.oneLine(value));
        }
    }
}
