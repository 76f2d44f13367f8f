package org.camelgateway.errors;

import org.camelgateway.exchange.GatewayExchange;
import org.camelgateway.exchange.RequestIds;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.apache.camel.support.DefaultMessage;
import org.apache.camel.support.ExchangeHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.camelgateway.errors.Causes.find;

/**
 * Turns what went wrong into the answer a client of nginx or Envoy would get: a status that says whose fault it
 * was, a short RFC 9457 problem body, the request id, and never a stack trace.
 */
public final class ErrorResponses {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponses.class);
    private static final String PROBLEM_JSON = "application/problem+json";
    /** Stands for the request when none was read: no client request id to keep. */
    private static final HttpMessage NO_HEAD = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/",
            EmptyHttpHeaders.INSTANCE);

    private ErrorResponses() {
    }

    /** Replaces the exchange's message with the answer for {@code failure} and marks the failure handled. */
    public static Message fromFailure(Exchange exchange, Exception failure) {
        ExchangeHelper.setFailureHandled(exchange);
        BackendFailure kind = BackendFailure.of(failure);
        if (kind == BackendFailure.BACKEND_STATUS) {
            HttpOperationFailedException backendStatus = find(failure, HttpOperationFailedException.class);
            // the route asked camel-http to throw on this status; the client still gets the backend's answer
            Message m = newMessage(exchange, backendStatus.getStatusCode());
            for (Map.Entry<String, String> h : backendStatus.getResponseHeaders().entrySet()) {
                m.setHeader(h.getKey(), h.getValue());
            }
            m.setBody(backendStatus.getResponseBody());
            return m;
        }
        if (kind == BackendFailure.RATE_LIMITED) {
            Message m = problem(exchange, kind.status(), kind.detail());
            m.setHeader("Retry-After", Long.toString(find(failure, RateLimitedException.class).retryAfterSeconds()));
            return m;
        }
        LOG.warn("request {} failed with {}: {}", RequestIds.of(exchange), kind.status(),
                describe(failure));
        return problem(exchange, kind.status(), kind.detail());
    }

    public static Message notFound(Exchange exchange) {
        return problem(exchange, 404, "no route matches this request");
    }

    public static Message problem(Exchange exchange, int status, String detail) {
        Message m = newMessage(exchange, status);
        m.setHeader(Exchange.CONTENT_TYPE, PROBLEM_JSON);
        m.setBody(problemJson(status, detail, RequestIds.of(exchange)));
        return m;
    }

    /**
     * A whole problem response for the Netty pipeline, where a request is answered before Camel sees it; the
     * connection is to be closed after it. The client's request id is kept if it sent an acceptable one.
     */
    public static FullHttpResponse closingProblem(HttpMessage request, int status, String detail) {
        String id = RequestIds.fromClient(request.headers().get(GatewayExchange.REQUEST_ID_HEADER));
        byte[] body = problemJson(status, detail, id).getBytes(StandardCharsets.UTF_8);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, PROBLEM_JSON)
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .set(GatewayExchange.REQUEST_ID_HEADER, id);
        return response;
    }

    /**
     * {@link #closingProblem} as the bytes on the wire, for a handler that answers before the HTTP codec has a
     * head (the connection cap, the head timeout): status line, headers and body as the encoder would write them,
     * with a new request id.
     */
    public static ByteBuf closingProblemBytes(int status, String detail) {
        FullHttpResponse response = closingProblem(NO_HEAD, status, detail);
        StringBuilder head = new StringBuilder(192).append(response.protocolVersion()).append(' ')
                .append(response.status()).append("\r\n");
        for (Map.Entry<String, String> h : response.headers()) {
            head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        head.append("\r\n");
        return Unpooled.wrappedBuffer(Unpooled.copiedBuffer(head, StandardCharsets.US_ASCII), response.content());
    }

    public static String problemJson(int status, String detail, String requestId) {
        return "{\"status\":" + status + ",\"title\":\"" + title(status) + "\",\"detail\":\"" + detail
                + "\",\"requestId\":\"" + requestId + "\"}\n";
    }

    private static Message newMessage(Exchange exchange, int status) {
        Message m = new DefaultMessage(exchange);
        m.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.setMessage(m);
        return m;
    }

    private static String describe(Throwable t) {
        Throwable root = Causes.root(t);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    public static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Internal Server Error";
        };
    }
}
