package org.camelgateway.headers;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HeaderRulesTest {

    @ParameterizedTest
    @ValueSource(strings = {"Connection", "keep-alive", "PROXY-CONNECTION", "Te", "Trailer", "transfer-Encoding",
        "Upgrade"})
    void hopByHopNamesAreKnownInAnyCase(String name) {
        assertThat(HeaderRules.isHopByHop(name)).isTrue();
        assertThat(HeaderRules.isHopByHop(name, Set.of())).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length", "Host", "Trailers", "T", "Upgrade-Insecure-Requests", "Keep-Alive2", ""})
    void endToEndNamesAreNotHopByHop(String name) {
        assertThat(HeaderRules.isHopByHop(name)).isFalse();
        assertThat(HeaderRules.isHopByHop(name, Set.of())).isFalse();
    }

    @Test
    void namesAConnectionHeaderListsAreHopByHopForThatMessageInAnyCase() {
        Set<String> named = HeaderRules.connectionNamed(List.of("keep-alive, X-Hop", " x-other ,close", "Upgrade"));
        assertThat(named).containsExactlyInAnyOrder("x-hop", "x-other");
        assertThat(HeaderRules.isHopByHop("X-HOP", named)).isTrue();
        assertThat(HeaderRules.isHopByHop("x-Other", named)).isTrue();
        assertThat(HeaderRules.isHopByHop("X-Hop2", named)).isFalse();
        assertThat(HeaderRules.isHopByHop("Keep-Alive", named)).isTrue();
    }

    @Test
    void theUsualConnectionValuesNameNothingElse() {
        assertThat(HeaderRules.connectionNamed(List.of("keep-alive"))).isEmpty();
        assertThat(HeaderRules.connectionNamed(List.of("close", ", ,"))).isEmpty();
        assertThat(HeaderRules.connectionNamed(List.of())).isEmpty();
        assertThat(HeaderRules.connectionNamed(null)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"CamelHttpUri", "cAmElHttpUri", "CAMELHTTPPATH", "camel", "org.apache.camel.x",
        "ORG.APACHE.CAMEL.X"})
    void camelNamesAreInternalInAnyCase(String name) {
        assertThat(HeaderRules.isCamelInternal(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Camel-Id", "org.apache.came", "Cookie", "came", ""})
    void otherNamesAreNotCamelInternal(String name) {
        assertThat(HeaderRules.isCamelInternal(name)).isFalse();
    }

    static Stream<Arguments> lineBreakingValues() {
        return Stream.of(
                Arguments.of("CR LF: a header of the client's own", "a\r\nX-Injected: yes", "a  X-Injected: yes"),
                Arguments.of("a second request after a blank line", "a\r\n\r\nGET /admin HTTP/1.1",
                        "a    GET /admin HTTP/1.1"),
                Arguments.of("bare CR", "a\rb", "a b"),
                Arguments.of("bare LF", "a\nb", "a b"),
                Arguments.of("NUL, where some parsers end the line", "a\0b", "a b"),
                Arguments.of("FF and VT, as HttpClient replaces them", "a\fb\u000bc", "a b c"),
                Arguments.of("obs-fold: CR LF and a space or a tab", "first\r\n second\r\n\tthird",
                        "first   second  \tthird"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lineBreakingValues")
    void valuesGoOutAsOneLine(String what, String value, String expected) {
        assertThat(HeaderRules.oneLine(value)).isEqualTo(expected).doesNotContain("\r", "\n", "\0");
    }

    @Test
    void aCleanValueIsTheSameStringNotACopy() {
        String value = "text/html; charset=utf-8";
        assertThat(HeaderRules.oneLine(value)).isSameAs(value);
        assertThat(HeaderRules.oneLine("")).isEmpty();
    }

    @Test
    void repeatedCookieLinesJoinWithASemicolonAndOthersWithAComma() {
        assertThat(HeaderRules.joiner("Cookie")).isEqualTo("; ");
        assertThat(HeaderRules.joiner("cookie")).isEqualTo("; ");
        assertThat(HeaderRules.joiner("Accept")).isEqualTo(", ");
    }
}
