package org.camelgateway.headers;

import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeadersMapTest {

    final HeadersMap headers = new HeadersMap();

    @Test
    void namesMatchWhateverTheirCaseAndKeepTheirFirstSpelling() {
        headers.put("Content-Type", "text/plain");
        headers.put("CONTENT-TYPE", "application/json");
        assertThat(headers.get("content-type")).isEqualTo("application/json");
        assertThat(headers.containsKey("cOnTeNt-TyPe")).isTrue();
        assertThat(headers.keySet()).containsExactly("Content-Type");
        assertThat(headers.remove("content-TYPE")).isEqualTo("application/json");
        assertThat(headers).isEmpty();
    }

    @Test
    void keepsTheOrderNamesWereFirstPutIn() {
        for (String name : List.of("Host", "User-Agent", "Accept", "X-Forwarded-For", "Cookie", "accept")) {
            headers.put(name, name);
        }
        headers.remove("user-agent");
        headers.put("User-Agent", "again");
        assertThat(headers.keySet()).containsExactly("Host", "Accept", "X-Forwarded-For", "Cookie", "User-Agent");
    }

    @Test
    void keySetContainsAndRemovesIgnoringCase() {
        headers.put("X-Request-Id", "1");
        assertThat(headers.keySet().contains("x-request-id")).isTrue();
        assertThat(headers.keySet().remove("X-REQUEST-ID")).isTrue();
        assertThat(headers.keySet().remove("X-REQUEST-ID")).isFalse();
        assertThat(headers).isEmpty();
    }

    @Test
    void entriesWriteThroughAndIteratorsRemove() {
        headers.put("A", 1);
        headers.put("B", 2);
        headers.put("C", 3);
        for (Map.Entry<String, Object> e : headers.entrySet()) {
            e.setValue((Integer) e.getValue() * 10);
        }
        headers.keySet().removeIf("b"::equalsIgnoreCase);
        headers.entrySet().removeIf(e -> e.getValue().equals(30));
        assertThat(headers).containsExactly(Map.entry("A", 10));
        assertThat(headers.values()).containsExactly(10);
    }

    @Test
    void iteratingWhileThePutsGoOnFailsFast() {
        headers.put("A", 1);
        headers.put("B", 2);
        Iterator<String> names = headers.keySet().iterator();
        names.next();
        headers.put("C", 3);
        assertThatThrownBy(names::next).isInstanceOf(ConcurrentModificationException.class);
    }

    @Test
    void nonAsciiNamesHashAsEqualsIgnoreCaseComparesThem() {
        // dotless and dotted i, and a sharp s: equal ignoring case to their ASCII or upper-case forms
        for (String[] pair : new String[][] {{"\u0131d", "ID"}, {"\u0130d", "id"}, {"\u00e4rger", "\u00c4RGER"},
            {"stra\u00dfe", "STRA\u00dfE"}, {"\ud801\udc00x", "\ud801\udc28X"}}) {
            assertThat(pair[0].equalsIgnoreCase(pair[1])).as(pair[0]).isTrue();
            HeadersMap map = new HeadersMap();
            map.put(pair[0], "v");
            assertThat(map.get(pair[1])).as("%s vs %s", pair[0], pair[1]).isEqualTo("v");
        }
    }

    @Test
    void namesThatCollideUnderStringHashCodeDoNotCollideHere() {
        // "a~" and "b_" (and all their concatenations) share a hash with the multiplier 31; the per-process
        // multiplier makes that a 1 in 2^31 chance
        assertThat("a~".hashCode()).isEqualTo("b_".hashCode());
        assertThat(HeadersMap.hash("a~")).isNotEqualTo(HeadersMap.hash("b_"));
        assertThat(HeadersMap.hash("a~b_")).isNotEqualTo(HeadersMap.hash("b_a~"));
    }

    @Test
    void aNameHashesTheSameWhetherItsHashWasKeptOrNot() {
        String constant = "CamelHttpResponseCode";
        String copy = new String(constant.toCharArray());
        assertThat(HeadersMap.hash(copy)).isEqualTo(HeadersMap.hash(constant))
                .isEqualTo(HeadersMap.hash(constant.toLowerCase())).isEqualTo(HeadersMap.hash(constant));
    }

    @Test
    void behavesAsCamelsCaseInsensitiveTreeMapUnderRandomOperations() {
        List<String> names = new ArrayList<>();
        for (String base : List.of("Host", "Accept", "Content-Length", "X-Forwarded-For", "CamelHttpUri", "a", "te",
                "Connection", "keep-alive", "X-Request-Id", "Cookie", "Set-Cookie", "Via", "Date", "ETag", "Server",
                "Transfer-Encoding", "Upgrade", "Vary", "Age")) {
            names.add(base);
            names.add(base.toUpperCase());
            names.add(base.toLowerCase());
        }
        Random random = new Random(42);
        Map<String, Object> expected = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < 20_000; i++) {
            String name = names.get(random.nextInt(names.size()));
            switch (random.nextInt(6)) {
                case 0, 1, 2 -> assertThat(headers.put(name, i)).isEqualTo(expected.put(name, i));
                case 3 -> assertThat(headers.remove(name)).isEqualTo(expected.remove(name));
                case 4 -> assertThat(headers.get(name)).isEqualTo(expected.get(name));
                default -> {
                    if (random.nextInt(50) == 0) {
                        headers.clear();
                        expected.clear();
                    }
                }
            }
            assertThat(headers.size()).isEqualTo(expected.size());
        }
        assertThat(new TreeMap<>(headers)).isEqualTo(expected);
        assertThat(headers.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
    }
}
