package org.camelgateway.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathNormalizerTest {

    @ParameterizedTest
    @CsvSource({
        "/,                     /",
        "/a,                    /a",
        "/a/,                   /a/",
        "/a/b.c/.d,             /a/b.c/.d",
        "/.well-known/x,        /.well-known/x",
        "/a/%2Fb,               /a/%2Fb",
        "/a/%2e%2e/b,           /b",
        "/a/%2E./b/,            /b/",
        "/a/./b/.,              /a/b/",
        "//a///b//,             /a/b/",
        "/a/b/..,               /a/",
        "/%2e,                  /"})
    void resolvesDotSegmentsAndDuplicateSlashesAndKeepsEverythingElse(String raw, String normal) {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo(normal);
    }

    @Test
    void refusesAPathAboveTheRoot() {
        assertThatThrownBy(() -> PathNormalizer.normalize("/a/../../b")).isInstanceOf(
                PathNormalizer.InvalidPathException.class);
        assertThatThrownBy(() -> PathNormalizer.normalize("/%2E%2e/b")).isInstanceOf(
                PathNormalizer.InvalidPathException.class);
    }

    @ParameterizedTest
    @CsvSource({
        "/public/..%2fadmin/secret",
        "/public/%2e%2e%2fadmin/secret",
        "/public/..%5cadmin/secret",
        "/public/.%2e%5cadmin/secret",
        "/public/%2e%2E%5C",
        "/public/%2E.%2F",
        "/public/..%2F",
        "/public/.%2fadmin",
        "/public/%2e%5Cadmin",
        "/public/a%2f..",
        "/public/a%2F..%2Fb",
        "/%2f../x",
        "/public/x/..%2f..%2fetc"})
    void refusesADotSegmentNextToAnEncodedSlashOrBackslash(String raw) {
        assertThatThrownBy(() -> PathNormalizer.normalize(raw)).isInstanceOf(
                PathNormalizer.InvalidPathException.class).hasMessageContaining("encoded slash or backslash");
    }

    @ParameterizedTest
    @CsvSource({
        "/api/items/a%2Fb,        /api/items/a%2Fb",
        "/api/items/a%2f%2fb,     /api/items/a%2f%2fb",
        "/api/items/%2F,          /api/items/%2F",
        "/a/..b%2fc,              /a/..b%2fc",
        "/a/b..%2fc,              /a/b..%2fc",
        "/a/...%2fb,              /a/...%2fb",
        "/a/%2e%2e%2e%5cb,        /a/%2e%2e%2e%5cb",
        "/a/b%5c,                 /a/b%5c",
        "/a/%2e%2e/b%2fc,         /b%2fc",
        "/a/%2e/%2F,              /a/%2F",
        "/a/%2e%2d%2fb,           /a/%2e%2d%2fb"})
    void keepsAnEncodedSlashThatIsNotNextToADotSegment(String raw, String normal) {
        assertThat(PathNormalizer.normalize(raw)).isEqualTo(normal);
    }

    /** The shortcut for paths that are already normal must give what resolving every segment gives. */
    @Test
    void agreesWithSegmentResolutionOnRandomPaths() {
        String[] pieces = {"a", "bc", ".", "..", "%2e", "%2E", ".%2e", "%2e.", "%2e%2E", ".x", "x.", "%2f", "%2ex", ""};
        Random random = new Random(42);
        int checked = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder path = new StringBuilder();
            int segments = 1 + random.nextInt(6);
            for (int s = 0; s < segments; s++) {
                path.append('/').append(pieces[random.nextInt(pieces.length)]);
            }
            String expected = resolve(path.toString());
            if (expected == null) {
                assertThatThrownBy(() -> PathNormalizer.normalize(path.toString()))
                        .as(path.toString()).isInstanceOf(PathNormalizer.InvalidPathException.class);
            } else {
                assertThat(PathNormalizer.normalize(path.toString())).as(path.toString()).isEqualTo(expected);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(5_000);
    }

    /** RFC 3986 5.2.4 on segments, duplicate slashes merged; null above the root. */
    private static String resolve(String path) {
        List<String> out = new ArrayList<>();
        String[] segments = path.substring(1).split("/", -1);
        boolean trailing = false;
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i].toLowerCase().replace("%2e", ".");
            boolean last = i == segments.length - 1;
            if (s.equals(".") || s.isEmpty()) {
                trailing = last;
            } else if (s.equals("..")) {
                if (out.isEmpty()) {
                    return null;
                }
                out.remove(out.size() - 1);
                trailing = last;
            } else {
                out.add(segments[i]);
                trailing = false;
            }
        }
        String joined = out.isEmpty() ? "" : "/" + String.join("/", out);
        return joined.isEmpty() || trailing ? joined + "/" : joined;
    }
}
