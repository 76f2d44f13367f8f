package org.camelgateway.exchange;

/**
 * When a request may be sent to a backend again: the one definition of "idempotent" for the balancer's failover
 * and for the backend clients' resend after a stale pooled connection.
 *
 * <p>Method names are compared as sent: RFC 9110 9.1 makes them case-sensitive, and camel-http only sends them
 * upper-case. A {@code switch} on the name, not HttpClient's {@code Method.isIdempotent}, which upper-cases and
 * looks the name up on every call.
 */
public final class RetrySafety {

    /** The request header by which a client says a request may be repeated (draft-ietf-httpapi-idempotency-key). */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private RetrySafety() {
    }

    /**
     * May a request that met a pooled connection the backend had already closed be resent once on a fresh one?
     * The connection failed before any answer, but the backend may still have read the request, so only an
     * idempotent method, as HttpClient's own default decides: this resend happens inside the backend client,
     * below the balancer, and a POST with an {@code Idempotency-Key} is left to the balancer's rule.
     */
    public static boolean mayResendOnFreshConnection(String method) {
        return isIdempotent(method);
    }

    /**
     * May a request that may have reached a backend (a reset, a timeout after sending, a 502/503/504 answer) be
     * tried on another? An idempotent method, or any request whose client sent an {@code Idempotency-Key}. An
     * unknown method ({@code null}: camel-http then sends a POST when there is a body) is not.
     */
    public static boolean mayRetryAfterSent(String method, boolean hasIdempotencyKey) {
        return hasIdempotencyKey || isIdempotent(method);
    }

    /** RFC 9110 9.2.2: GET, HEAD, OPTIONS, TRACE, PUT and DELETE. */
    public static boolean isIdempotent(String method) {
        if (method == null) {
            return false;
        }
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }
}
