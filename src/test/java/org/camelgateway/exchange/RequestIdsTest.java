package org.camelgateway.exchange;

import java.util.HashSet;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which {@code X-Request-Id} a client may choose: the id reaches log lines, JSON problem bodies and backends as it
 * is, so only short plain ASCII is kept and anything else is replaced by a fresh id.
 */
class RequestIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"abc", "0af7651916cd43dd8448eb211c80319c", "req-1_2.3:4", "A", "Z9"})
    void keepsAShortPlainClientId(String id) {
        assertThat(RequestIds.isAcceptable(id)).isTrue();
        assertThat(RequestIds.fromClient(id)).isSameAs(id);
    }

    @Test
    void keepsAnIdOfExactly128CharactersAndReplacesOneOf129() {
        assertThat(RequestIds.fromClient("a".repeat(128))).isEqualTo("a".repeat(128));
        assertThat(RequestIds.fromClient("a".repeat(129))).isNotEqualTo("a".repeat(129)).hasSize(32);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void replacesAMissingOrEmptyId(String id) {
        assertThat(RequestIds.fromClient(id)).matches("[0-9a-f]{32}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a b",             // space: splits a log line's fields
        "a\"b",            // quote: ends a JSON string
        "a\\b",            // backslash: a JSON escape
        "a\r\nX-Evil: 1",  // CR LF: a header or log line of the client's making
        "a\tb",            // other control characters
        "a\u0000b",
        "a/b", "a=b", "a;b", "a,b", "a<b>", "a{b}", "a%0d",
        "caf\u00e9",       // a letter, but not ASCII
        "\u0663\u0664",    // Arabic-Indic digits: isLetterOrDigit, not ASCII
        "\uff21",          // fullwidth A
        "\ud83d\ude00",    // a surrogate pair
        "\ud800"           // a lone surrogate
    })
    void replacesAnIdThatIsNotPlainAscii(String id) {
        assertThat(RequestIds.isAcceptable(id)).isFalse();
        assertThat(RequestIds.fromClient(id)).isNotEqualTo(id).matches("[0-9a-f]{32}");
    }

    @Test
    void aNewIdIs128RandomBitsInLowerCaseHex() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = RequestIds.newId();
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(RequestIds.isAcceptable(id)).as("a generated id passes the client rule too").isTrue();
            ids.add(id);
        }
        assertThat(ids).hasSize(1000);
    }

    @Test
    void anExchangeKeepsTheIdItWasGivenAndGetsOneOnceIfItHasNone() {
        Exchange given = new DefaultExchange(new DefaultCamelContext());
        given.setProperty(GatewayExchange.REQUEST_ID, "from-client");
        assertThat(RequestIds.of(given)).isEqualTo("from-client");

        Exchange none = new DefaultExchange(new DefaultCamelContext());
        String created = RequestIds.of(none);
        assertThat(created).matches("[0-9a-f]{32}");
        assertThat(RequestIds.of(none)).as("the same id on every later call").isEqualTo(created);
        assertThat(none.getProperty(GatewayExchange.REQUEST_ID)).isEqualTo(created);
    }
}
