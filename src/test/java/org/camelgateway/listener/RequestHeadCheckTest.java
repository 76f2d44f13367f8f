package org.camelgateway.listener;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile-input table of {@code EdgeHardeningIT}, without sockets: each head goes through the listener's own
 * decoder (same limits as that test's gateway), then the check. Status 0 means routed.
 */
class RequestHeadCheckTest {

    private static final InetSocketAddress LISTENER = new InetSocketAddress("127.0.0.1", 8080);

    /** The first head decoded from {@code raw} ({@code ~} is CRLF), as the listener's decoder leaves it. */
    private static HttpRequest decode(String raw) {
        EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(2048, 4096, 8192));
        try {
            channel.writeInbound(Unpooled.copiedBuffer(raw.replace("~", "\r\n"), StandardCharsets.ISO_8859_1));
            Object first = channel.readInbound();
            assertThat(first).as("a head was decoded from %s", raw).isInstanceOf(HttpRequest.class);
            return (HttpRequest) first;
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    private static int status(RequestHeadCheck.Refusal refusal) {
        return refusal == null ? 0 : refusal.status();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "CL and TE together         | POST /public HTTP/1.1~Host: x~Content-Length: 5~Transfer-Encoding: chunked~~0~~ | 400",
        "two Content-Lengths        | POST /public HTTP/1.1~Host: x~Content-Length: 3~Content-Length: 5~~abcde       | 400",
        "invalid Content-Length     | POST /public HTTP/1.1~Host: x~Content-Length: 3x~~abc                          | 400",
        "coding that is not chunked | POST /public HTTP/1.1~Host: x~Transfer-Encoding: gzip~~abc                     | 400",
        "unknown coding             | POST /public HTTP/1.1~Host: x~Transfer-Encoding: foo, chunked~~0~~             | 501",
        "chunked not last           | POST /public HTTP/1.1~Host: x~Transfer-Encoding: chunked, gzip~~0~~            | 400",
        "obfuscated coding          | POST /public HTTP/1.1~Host: x~Transfer-Encoding: xchunked~~0~~                 | 400",
        "two TE lines               | POST /public HTTP/1.1~Host: x~Transfer-Encoding: chunked~Transfer-Encoding: chunked~~0~~ | 400",
        "garbage request line       | HELLO THERE~~                                                                  | 400",
        "method HTTP does not define | GE /public HTTP/1.1~Host: x~~                                                 | 501",
        "header without colon       | GET /public HTTP/1.1~Host: x~NoColonHere~~                                     | 400",
        "dot segment by encoded /   | GET /public/a%2F..%2Fadmin HTTP/1.1~Host: x~~                                  | 400",
        "space before colon         | GET /public HTTP/1.1~Host: x~X-Bad : y~~                                       | 400",
        "control character          | GET /public HTTP/1.1~Host: x~X-Ctl: a\u0001b~~                                 | 400",
        "bare carriage return       | GET /public HTTP/1.1~Host: x\rX-Smuggle: y~~                                   | 400",
        "invalid percent-encoding   | GET /public/%zz HTTP/1.1~Host: x~~                                             | 400",
        "truncated escape           | GET /public/a% HTTP/1.1~Host: x~~                                              | 400",
        "bad query escape           | GET /public?q=%G1 HTTP/1.1~Host: x~~                                           | 400",
        "raw non-ASCII in the path  | GET /public/caf\u00e9 HTTP/1.1~Host: x~~                                       | 400",
        "quote in the path          | GET /public/\"x\" HTTP/1.1~Host: x~~                                           | 400",
        "path above the root        | GET /../etc/passwd HTTP/1.1~Host: x~~                                          | 400",
        "encoded path above root    | GET /%2e%2e/etc/passwd HTTP/1.1~Host: x~~                                      | 400",
        "HTTP/1.1 without Host      | GET /public HTTP/1.1~~                                                         | 400",
        "two Host headers           | GET /public HTTP/1.1~Host: a~Host: b~~                                         | 400",
        "asterisk target            | OPTIONS * HTTP/1.1~Host: x~~                                                   | 400",
        "authority target           | CONNECT evil.example:443 HTTP/1.1~Host: x~~                                    | 400",
        "plain chunked              | POST /public HTTP/1.1~Host: x~Transfer-Encoding: chunked~~0~~                  | 0",
        "Content-Length only        | POST /public HTTP/1.1~Host: x~Content-Length: 3~~abc                           | 0",
        "TRACE, left to Camel's 405 | TRACE /public HTTP/1.1~Host: x~~                                               | 0"})
    void hostileHeadsAreRefusedWithTheirStatus(String name, String raw, int expected) {
        RequestHeadCheck.Refusal refusal = RequestHeadCheck.check(decode(raw.trim()), LISTENER);
        assertThat(status(refusal)).as(name + ": " + refusal).isEqualTo(expected);
        if (refusal != null) {
            assertThat(refusal.reason()).as("a short reason for the problem body").isNotBlank().hasSizeLessThan(80);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/public/../admin/x                   | /admin/x",
        "/public/%2e%2e/admin/x               | /admin/x",
        "/public/./a/../b                     | /public/b",
        "//public///a//b                      | /public/a/b",
        "/api/items/a%2Fb                     | /api/items/a%2Fb",
        "http://evil.example:9999/public/abs?x=1 | /public/abs?x=1",
        "/public?q=a%20b                      | /public?q=a%20b"})
    void routableTargetsAreNormalizedInPlace(String target, String routed) {
        HttpRequest request = decode("GET " + target + " HTTP/1.1~Host: x~~");
        assertThat(RequestHeadCheck.check(request, LISTENER)).isNull();
        assertThat(request.uri()).isEqualTo(routed);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "GET /public/old HTTP/1.0~~         | 127.0.0.1:8080",
        "GET /public/old HTTP/1.0~Host: h~~ | h"})
    void http10WithoutHostIsRoutedAsTheListenersAddress(String raw, String host) {
        HttpRequest request = decode(raw.trim());
        assertThat(RequestHeadCheck.check(request, LISTENER)).isNull();
        assertThat(request.headers().get(HttpHeaderNames.HOST)).isEqualTo(host);
    }
}
