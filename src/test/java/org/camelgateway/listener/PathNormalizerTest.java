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

    /** The neighbour checks must refuse exactly what splitting at every raw and encoded separator finds. */
    @Test
    void refusesEncodedTraversalExactlyWhereSplittingAtEncodedSeparatorsFindsOne() {
        String[] pieces = {"/", "%2f", "%2F", "%5c", "%5C", ".", "..", "%2e", "%2E", "...", "a", "%41", "%2e.", ".a"};
        Random random = new Random(7);
        int refused = 0;
        for (int i = 0; i < 50_000; i++) {
            StringBuilder path = new StringBuilder("/x");
            int n = 1 + random.nextInt(6);
            for (int p = 0; p < n; p++) {
                path.append(pieces[random.nextInt(pieces.length)]);
            }
            String raw = path.toString();
            boolean traversal = hasDotPieceNextToEncodedSeparator(raw);
            Throwable thrown = null;
            try {
                PathNormalizer.normalize(raw);
            } catch (PathNormalizer.InvalidPathException e) {
                thrown = e;
            }
            boolean refusedForIt = thrown != null && thrown.getMessage().contains("encoded slash or backslash");
            assertThat(refusedForIt).as(raw).isEqualTo(traversal);
            refused += traversal ? 1 : 0;
        }
        assertThat(refused).isBetween(5_000, 45_000);
    }

    /** Splits at '/', %2F and %5C; true if a '.' or '..' piece (after %2e decoding) touches an encoded one. */
    private static boolean hasDotPieceNextToEncodedSeparator(String raw) {
        String marked = raw.replaceAll("(?i)%2f|%5c", "\u0001").replace('/', '\u0002');
        List<String> tokens = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        for (char c : marked.toCharArray()) {
            if (c == '\u0001' || c == '\u0002') {
                tokens.add(piece.toString());
                tokens.add(String.valueOf(c));
                piece.setLength(0);
            } else {
                piece.append(c);
            }
        }
        tokens.add(piece.toString());
        for (int t = 0; t < tokens.size(); t += 2) {
            String decoded = tokens.get(t).replaceAll("(?i)%2e", ".");
            boolean dot = decoded.equals(".") || decoded.equals("..");
            boolean encodedBefore = t > 0 && tokens.get(t - 1).equals("\u0001");
            boolean encodedAfter = t + 1 < tokens.size() && tokens.get(t + 1).equals("\u0001");
            if (dot && (encodedBefore || encodedAfter)) {
                return true;
            }
        }
        return false;
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
