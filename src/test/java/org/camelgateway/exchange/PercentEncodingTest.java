package org.camelgateway.exchange;

import java.net.URI;
import java.net.URISyntaxException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PercentEncodingTest {

    /** RFC 3986 3.3 and 3.4, spelled out once more here than in the class. */
    private static final String PATH_CHARS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/";

    @Test
    void pathAndQueryTablesAreRfc3986sCharacterClasses() {
        for (char c = 0; c < 256; c++) {
            boolean path = PATH_CHARS.indexOf(c) >= 0;
            assertThat(PercentEncoding.isPathChar(c)).as("path %d", (int) c).isEqualTo(path);
            assertThat(PercentEncoding.isQueryChar(c)).as("query %d", (int) c).isEqualTo(path || c == '?');
        }
        assertThat(PercentEncoding.isPathChar('%')).as("% only as an escape").isFalse();
        assertThat(PercentEncoding.isPathChar('\u20ac')).isFalse();
    }

    /** What the tables let through as it is, java.net.URI's parser also leaves as it is. */
    @Test
    void whatTheTablesAllowAUriParserKeepsAsItIs() throws URISyntaxException {
        for (char c = 33; c < 127; c++) {
            if (PercentEncoding.isQueryChar(c)) {
                URI u = new URI("http://h/a" + c + "b?q" + c + "r");
                assertThat(u.getRawPath() + "?" + u.getRawQuery()).as("%c", c)
                        .isEqualTo(c == '?' ? "/a?b?q?r" : "/a" + c + "b?q" + c + "r");
            }
        }
    }

    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "/a/b,          false, -1",
        "/a%2Fb%2f,     false, -1",
        "/a?b,          false,  2",
        "a?b,           true,  -1",
        "/a b,          false,  2",
        "/a%,           false,  2",
        "/a%4,          false,  2",
        "/a%4g,         false,  2",
        "/a%g4,         false,  2",
        "/%41%,         false,  4",
        "/a\"b,         false,  2",
        "/a[b],         false,  2",
        "/a\\b,         false,  2",
        "/caf\u00e9,    false,  4",
        // Character.digit takes these for digits; an escape is ASCII hex only
        "/%\u0663\u0663, false, 1",
        "/%\uff21\uff21, false, 1"})
    void findsTheFirstCharacterThatIsNeitherAllowedNorAWellFormedEscape(String s, boolean query, int invalidAt) {
        assertThat(PercentEncoding.firstInvalid(s, 0, query)).isEqualTo(invalidAt);
    }

    @Test
    void checksFromTheGivenIndex() {
        assertThat(PercentEncoding.firstInvalid("a b/c", 2, false)).isEqualTo(-1);
        assertThat(PercentEncoding.firstInvalid("a b/c d", 2, false)).isEqualTo(5);
    }

    @Test
    void anEscapeIsAPercentAndTwoHexDigits() {
        assertThat(PercentEncoding.isEscape("%2e", 0)).isTrue();
        assertThat(PercentEncoding.isEscape("x%2E", 1)).isTrue();
        assertThat(PercentEncoding.escapedByte("x%2E", 1)).isEqualTo('.');
        assertThat(PercentEncoding.escapedByte("%5c", 0)).isEqualTo('\\');
        assertThat(PercentEncoding.escapedByte("%ff", 0)).isEqualTo(0xff);
        assertThat(PercentEncoding.isEscape("%2", 0)).isFalse();
        assertThat(PercentEncoding.isEscape("%2g", 0)).isFalse();
        assertThat(PercentEncoding.isEscape("a2e", 0)).isFalse();
        assertThat(PercentEncoding.hexValue(-1)).isEqualTo(-1);
        assertThat(PercentEncoding.hexValue(0x663)).isEqualTo(-1);
    }

    @ParameterizedTest
    @CsvSource({
        "/plain,                   /plain",
        "/a%2Fb,                   /a/b",
        "/caf%C3%A9,               /caf\u00e9",
        "q=%E2%82%AC+1,            q=\u20ac+1",
        "/a%zz/b%,                 /a%zz/b%",
        "/a%4,                     /a%4",
        "%41%4a%4A,                AJJ",
        "/caf\u00e9%20x,           /caf\u00e9 x",
        // a lone continuation byte is not UTF-8: the replacement character, as any UTF-8 decoder gives
        "/%80,                     /\ufffd"})
    void decodesAsUtf8AndKeepsWhatIsNotAnEscape(String raw, String decoded) {
        assertThat(PercentEncoding.decode(raw)).isEqualTo(decoded);
    }

    @Test
    void aStringWithoutEscapesIsReturnedAsItIs() {
        String s = "/no/escapes/here";
        assertThat(PercentEncoding.decode(s)).isSameAs(s);
    }
}
