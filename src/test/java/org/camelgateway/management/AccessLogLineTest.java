package org.camelgateway.management;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The access log's JSON escaping: whatever a client puts in a logged value (its path, chiefly), the line stays one
 * JSON object on one line, and a parser reads the value back as it was.
 */
class AccessLogLineTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A line as the access log writes it: the field between two others, encoded as UTF-8 by the appender. */
    private static byte[] line(String value) {
        StringBuilder b = new StringBuilder("{");
        RequestObserver.field(b, "before", "x").append(',');
        RequestObserver.field(b, "path", value).append(',');
        RequestObserver.field(b, "after", "y").append('}');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String field(String value) {
        return RequestObserver.field(new StringBuilder(), "path", value).toString();
    }

    @Test
    void writesAPlainValueAsItIsAndNullAsJsonNull() {
        assertThat(field("/orders/42?x=1")).isEqualTo("\"path\":\"/orders/42?x=1\"");
        assertThat(field(null)).isEqualTo("\"path\":null");
        assertThat(field("")).isEqualTo("\"path\":\"\"");
    }

    @Test
    void escapesQuoteAndBackslash() {
        assertThat(field("a\"b")).isEqualTo("\"path\":\"a\\\"b\"");
        assertThat(field("a\\b")).isEqualTo("\"path\":\"a\\\\b\"");
        assertThat(field("\\\"")).isEqualTo("\"path\":\"\\\\\\\"\"");
    }

    @Test
    void escapesEveryControlCharacterAsUnicode() {
        for (char c = 0; c < 0x20; c++) {
            assertThat(field("a" + c + "b")).as("U+%04X", (int) c)
                    .isEqualTo("\"path\":\"a\\u%04xb\"".formatted((int) c));
        }
        // DEL and everything from a space up are legal in a JSON string as they are
        assertThat(field("\u007f ~")).isEqualTo("\"path\":\"\u007f ~\"");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/plain",
        "/a\"b\\c",                               // what ends a string or starts an escape
        "/x\r\n{\"status\":200}",                 // a forged second line
        "/tab\there\u0000nul\u001fus\u0008bs",    // control characters
        "/caf\u00e9/\u00fc\u00df",                // Latin-1 range
        "/\u4e2d\u6587/\u0663",                   // CJK, Arabic-Indic
        "/\ud83d\ude00",                          // a surrogate pair (emoji)
        "/\u2028\u2029"                           // line and paragraph separators
    })
    void aParserReadsTheValueBackAsItWasOnOneLine(String value) throws Exception {
        byte[] line = line(value);
        JsonNode node = JSON.readTree(line);
        assertThat(node.get("path").asText()).isEqualTo(value);
        assertThat(node.get("before").asText()).isEqualTo("x");
        assertThat(node.get("after").asText()).isEqualTo("y");
        assertThat(new String(line, StandardCharsets.UTF_8)).doesNotContain("\n").doesNotContain("\r");
    }

    /**
     * A lone surrogate is not Unicode text: it cannot reach the log as itself, since UTF-8 has no encoding for it.
     * It must not break the line either: the appender writes a replacement character, and the rest is intact.
     */
    @ParameterizedTest
    @ValueSource(strings = {"/\ud800", "/\udfff", "/\ude00\ud83d", "/a\ud83d\""})
    void aLoneSurrogateLeavesTheLineValidUtf8Json(String value) throws Exception {
        JsonNode node = JSON.readTree(line(value)); // Jackson's UTF-8 reader refuses malformed bytes
        assertThat(node.get("path").asText()).hasSameSizeAs(value).startsWith("/");
        assertThat(node.get("before").asText()).isEqualTo("x");
        assertThat(node.get("after").asText()).isEqualTo("y");
        assertThat(node.size()).isEqualTo(3);
    }
}
