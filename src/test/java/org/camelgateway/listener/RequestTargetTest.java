package org.camelgateway.listener;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestTargetTest {

    @Test
    void originFormKeepsRawPathAndQuery() {
        RequestTarget t = RequestTarget.parse("/a%2Fb/c%20d+e?x=1&x=2&empty=&plus=a+b");
        assertThat(t.rawPath()).isEqualTo("/a%2Fb/c%20d+e");
        assertThat(t.rawQuery()).isEqualTo("x=1&x=2&empty=&plus=a+b");
    }

    @Test
    void absoluteFormIsAnsweredAsItsPath() {
        assertThat(RequestTarget.parse("http://example.test:8080/p/q?z=1"))
                .isEqualTo(new RequestTarget("/p/q", "z=1"));
        assertThat(RequestTarget.parse("https://example.test")).isEqualTo(new RequestTarget("/", null));
        assertThat(RequestTarget.parse("http://example.test?z=1")).isEqualTo(new RequestTarget("/", "z=1"));
    }

    @Test
    void emptyQueryIsKeptAsEmpty() {
        assertThat(RequestTarget.parse("/p?").rawQuery()).isEmpty();
        assertThat(RequestTarget.parse("/p").rawQuery()).isNull();
    }

    @Test
    void decodingIsUtf8AndLeavesPlusAlone() {
        RequestTarget t = RequestTarget.parse("/caf%C3%A9/a+b%2Fc?q=%E2%82%AC+1");
        assertThat(t.decodedPath()).isEqualTo("/café/a+b/c");
        assertThat(t.decodedQuery()).isEqualTo("q=€+1");
    }

    @Test
    void malformedEscapesAreKeptRatherThanFailing() {
        assertThat(RequestTarget.parse("/a%zz/b%").decodedPath()).isEqualTo("/a%zz/b%");
    }
}
