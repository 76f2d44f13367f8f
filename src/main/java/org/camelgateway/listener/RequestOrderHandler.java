package org.camelgateway.listener;

import org.camelgateway.errors.ErrorResponses;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

/**
 * Checks every request head before Camel sees it, and answers what must not be routed, then closes the
 * connection so nothing after a bad head is read as another request:
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
public final class RequestOrderHandler extends ChannelDuplexHandler {

    /** What HTTP/1.1 defines; TRACE and CONNECT are refused later by the listener with 405. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH",
            "OPTIONS", "TRACE", "CONNECT");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9a-z-]+");

    private final ConnectionLimitsHandler gate;
    private final ReloadGate reload;
    private final Deque<Object> held = new ArrayDeque<>();
    private boolean rejected;
    /** A request has gone on and its response is not completely written yet. */
    private boolean responding;
    /** Waiting for the reload gate to reopen. */
    private boolean parked;
    /** The current request passed the reload gate and has not all gone on yet. */
    private boolean admitted;

    public RequestOrderHandler(ConnectionLimitsHandler gate, ReloadGate reload) {
        this.gate = gate;
        this.reload = reload;
    }

    /**
     * A request goes on only once the response before it on this connection is completely written, and not while
     * routes are being swapped; until then it and what follows it wait here, in order. Responses must leave in
     * the order of the requests (RFC 9112 9.3.2), but routes answer asynchronously and bodies are relayed after
     * the route has finished: a pipelined request to a faster backend would overtake the one before it, and a
     * client that had read all bytes of a relayed body could send its next request before the gateway had
     * closed the previous response, whose head then went out inside it.
     */
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        held.add(msg);
        release(ctx);
    }

    private void release(ChannelHandlerContext ctx) {
        while (!held.isEmpty() && !parked) {
            Object next = held.peek();
            if (next instanceof HttpRequest) {
                if (responding) {
                    break;
                }
                if (!reload.tryAdmit()) {
                    if (reload.park(ctx, () -> {
                        parked = false;
                        release(ctx);
                    })) {
                        parked = true;
                        return;
                    }
                    continue; // the gate opened again meanwhile
                }
                // on its way to the routes until its last part has gone on (a swap waits for that)
                admitted = true;
            }
            held.poll();
            try {
                guard(ctx, next);
            } catch (Exception e) {
                ctx.fireExceptionCaught(e);
            } finally {
                if (admitted && (next instanceof LastHttpContent || rejected)) {
                    admitted = false;
                    reload.admitted();
                }
            }
        }
        if (!parked) {
            // a client that pipelines stops being read while its requests wait, rather than filling memory
            boolean waiting = !held.isEmpty();
            if (ctx.channel().config().isAutoRead() == waiting) {
                ctx.channel().config().setAutoRead(!waiting);
            }
        }
    }

    private void guard(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (rejected) {
            ReferenceCountUtil.release(msg); // the rest of a refused request, or what followed it
            return;
        }
        if (msg instanceof HttpRequest request) {
            responding = true;
            gate.headReceived();
            String problem = check(ctx, request);
            if (problem != null) {
                rejected = true;
                ReferenceCountUtil.release(msg);
                int status = Integer.parseInt(problem.substring(0, 3));
                reject(ctx, request, status, problem.substring(4));
                return;
            }
        }
        if (msg instanceof LastHttpContent) {
            gate.bodyReceived();
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (admitted) {
            admitted = false;
            reload.admitted();
        }
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        // a 100 Continue is a whole message too, but the body and the real answer are still to come
        if (msg instanceof LastHttpContent && !(msg instanceof HttpResponse r
                && r.status().codeClass() == HttpStatusClass.INFORMATIONAL)) {
            ChannelPromise written = promise.unvoid();
            written.addListener(f -> {
                gate.responseWritten(ctx);
                responding = false;
                release(ctx);
            });
            super.write(ctx, msg, written);
            return;
        }
        super.write(ctx, msg, promise);
    }

    /** Null if the request may be routed (possibly with its target or Host rewritten), else "status detail". */
    private static String check(ChannelHandlerContext ctx, HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            Throwable cause = request.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                return "414 request line is over the limit";
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return "431 request headers are over the limit";
            }
            return "400 malformed request";
        }
        if (!KNOWN_METHODS.contains(request.method().name())) {
            return "501 method not implemented";
        }
        HttpHeaders headers = request.headers();
        // contains and an iterator rather than getAll, which built two lists for every request
        if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
            if (headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return "400 both Content-Length and Transfer-Encoding";
            }
            if (codings.size() != 1 || !"chunked".equalsIgnoreCase(codings.get(0))) {
                return endsInChunkedOnce(codings) ? "501 transfer coding not supported"
                        : "400 invalid Transfer-Encoding";
            }
        }
        Iterator<String> hosts = headers.valueStringIterator(HttpHeaderNames.HOST);
        if (hosts.hasNext()) {
            hosts.next();
            if (hosts.hasNext()) {
                return "400 more than one Host header";
            }
        } else {
            if (!request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                return "400 missing Host header";
            }
            InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
            headers.set(HttpHeaderNames.HOST, local.getAddress().getHostAddress() + ":" + local.getPort());
        }
        String uri = request.uri();
        if (!uri.startsWith("/") && !uri.regionMatches(true, 0, "http://", 0, 7)
                && !uri.regionMatches(true, 0, "https://", 0, 8)) {
            return "400 request target must be a path";
        }
        try {
            RequestTarget target = RequestTarget.parse(uri);
            String path = PathNormalizer.normalize(target.rawPath());
            if (target.rawQuery() != null) {
                PathNormalizer.checkEncoding(target.rawQuery(), "query");
            }
            request.setUri(target.rawQuery() == null ? path : path + "?" + target.rawQuery());
        } catch (PathNormalizer.InvalidPathException e) {
            return "400 " + e.getMessage();
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

    private static void reject(ChannelHandlerContext ctx, HttpRequest request, int status, String detail) {
        ctx.writeAndFlush(ErrorResponses.closingProblem(request, status, detail))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
