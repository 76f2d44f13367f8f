package org.camelgateway.listener;

import org.camelgateway.exchange.PercentEncoding;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Normalizes a raw request path before routing, so that what a route matches is what the backend receives:
 * dot segments are resolved (RFC 3986 5.2.4), including their percent-encoded forms ({@code %2e}, {@code %2E}),
 * and duplicate slashes are merged. Every other byte is kept as sent: {@code %2F} stays encoded and never becomes
 * a separator, as APIs carry encoded slashes in ids. A path that climbs above the root, a malformed escape or a
 * control character is refused (400), and so is a dot segment next to an encoded slash or backslash
 * ({@code ..%2F}, {@code %2e%2e%5C}, {@code .%2f}, {@code a%2F..}): the gateway would route it as one segment,
 * while a backend that decodes {@code %2F} (or, on Windows, {@code %5C}) reads a traversal. nginx decodes before
 * it resolves, so it too never passes one on; a lone {@code .} is refused with {@code ..} because either makes
 * what the gateway routes differ from what such a backend serves.
 */
public final class PathNormalizer {

    private PathNormalizer() {
    }

    /** Thrown for a path the gateway refuses to route. */
    public static final class InvalidPathException extends IllegalArgumentException {
        public InvalidPathException(String message) {
            super(message);
        }
    }

    public static String normalize(String rawPath) {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new InvalidPathException("path must start with /");
        }
        check(rawPath, "path", false);
        refuseEncodedTraversal(rawPath);
        if (isNormal(rawPath)) {
            return rawPath;
        }
        Deque<String> segments = new ArrayDeque<>();
        boolean trailingSlash = false;
        int start = 1;
        while (start <= rawPath.length()) {
            int end = rawPath.indexOf('/', start);
            if (end < 0) {
                end = rawPath.length();
            }
            String segment = rawPath.substring(start, end);
            boolean last = end == rawPath.length();
            if (isDot(segment)) {
                trailingSlash = last;
            } else if (isDotDot(segment)) {
                if (segments.isEmpty()) {
                    throw new InvalidPathException("path climbs above the root");
                }
                segments.removeLast();
                trailingSlash = last;
            } else if (segment.isEmpty()) {
                trailingSlash = last; // a duplicate slash, or the path's final slash
            } else {
                segments.addLast(segment);
                trailingSlash = false;
            }
            start = end + 1;
        }
        StringBuilder b = new StringBuilder(rawPath.length());
        for (String s : segments) {
            b.append('/').append(s);
        }
        if (b.length() == 0 || trailingSlash) {
            b.append('/');
        }
        return b.toString();
    }

    /**
     * Only the characters RFC 3986 allows in a path or query, and every {@code %} starts a two-digit hex escape.
     * Anything else (controls, spaces, raw non-ASCII bytes, quotes, brackets) is refused rather than re-encoded on
     * the way, which would change what the backend receives.
     */
    public static void checkEncoding(String raw, String what) {
        check(raw, what, true);
    }

    private static void check(String raw, String what, boolean query) {
        int bad = PercentEncoding.firstInvalid(raw, 0, query);
        if (bad >= 0) {
            throw new InvalidPathException(what + (raw.charAt(bad) == '%' ? " has an invalid percent-encoding"
                    : " contains a character that must be percent-encoded"));
        }
    }

    /**
     * No duplicate slash and no segment that starts like a dot segment ({@code .}, {@code %2e}): the usual path,
     * which the loop below would rebuild unchanged.
     */
    private static boolean isNormal(String rawPath) {
        for (int i = rawPath.indexOf('/'); i >= 0 && i + 1 < rawPath.length(); i = rawPath.indexOf('/', i + 1)) {
            char next = rawPath.charAt(i + 1);
            if (next == '/' || next == '.' || next == '%' && rawPath.regionMatches(true, i + 1, "%2e", 0, 3)) {
                return false;
            }
        }
        return true;
    }

    /** Called after {@link #check}, so every {@code %} starts a well-formed escape. */
    private static void refuseEncodedTraversal(String rawPath) {
        for (int i = rawPath.indexOf('%'); i >= 0; i = rawPath.indexOf('%', i + 3)) {
            if (isEncodedSeparator(rawPath, i) && (isDotsBefore(rawPath, i) || isDotsAfter(rawPath, i + 3))) {
                throw new InvalidPathException("path has a dot segment next to an encoded slash or backslash");
            }
        }
    }

    private static boolean isEncodedSeparator(String s, int i) {
        int b = PercentEncoding.escapedByte(s, i);
        return b == '/' || b == '\\';
    }

    /**
     * Whether a {@code .} or {@code ..} piece ends at {@code end} with a raw {@code /} before it; a piece after an
     * encoded separator is that separator's {@link #isDotsAfter}.
     */
    private static boolean isDotsBefore(String s, int end) {
        int i = end;
        for (int dots = 0; dots < 2; dots++) {
            if (i > 0 && s.charAt(i - 1) == '.') {
                i--;
            } else if (isEncodedDot(s, i - 3)) {
                i -= 3;
            } else {
                break;
            }
        }
        return i < end && s.charAt(i - 1) == '/';
    }

    /** Whether a {@code .} or {@code ..} piece starts at {@code start}, with a separator (raw or encoded) after it. */
    private static boolean isDotsAfter(String s, int start) {
        int i = start;
        for (int dots = 0; dots < 2; dots++) {
            if (i < s.length() && s.charAt(i) == '.') {
                i++;
            } else if (isEncodedDot(s, i)) {
                i += 3;
            } else {
                break;
            }
        }
        return i > start && (i == s.length() || s.charAt(i) == '/' || s.charAt(i) == '%' && isEncodedSeparator(s, i));
    }

    /** {@code %2e} or {@code %2E} at {@code i}; a plain comparison, as this runs for every encoded slash. */
    private static boolean isEncodedDot(String s, int i) {
        return i >= 0 && i + 2 < s.length() && s.charAt(i) == '%' && s.charAt(i + 1) == '2'
                && (s.charAt(i + 2) | 0x20) == 'e';
    }

    private static boolean isDot(String s) {
        return dots(s, 0, s.length()) == 1;
    }

    private static boolean isDotDot(String s) {
        return dots(s, 0, s.length()) == 2;
    }

    /** 1 for a {@code .} segment, 2 for {@code ..}, in any mix of {@code .} and {@code %2e}; 0 for anything else. */
    private static int dots(String s, int from, int to) {
        int dots = 0;
        int i = from;
        while (i < to) {
            if (s.charAt(i) == '.') {
                i++;
            } else if (i + 3 <= to && s.regionMatches(true, i, "%2e", 0, 3)) {
                i += 3;
            } else {
                return 0;
            }
            if (++dots > 2) {
                return 0;
            }
        }
        return dots;
    }
}
