package org.camelgateway.listener;

import org.camelgateway.exchange.PercentEncoding;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Normalizes a raw request path before routing, so that what a route matches is what the backend receives:
 * dot segments are resolved (RFC 3986 5.2.4), including their percent-encoded forms ({@code %2e}, {@code %2E}),
 * and duplicate slashes are merged. Every other byte is kept as sent: {@code %2F} stays encoded and never becomes
 * a separator. A path that climbs above the root, a malformed escape or a control character is refused (400).
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

    private static boolean isDot(String s) {
        return s.equals(".") || s.equalsIgnoreCase("%2e");
    }

    private static boolean isDotDot(String s) {
        return s.equals("..") || s.equalsIgnoreCase("%2e%2e") || s.equalsIgnoreCase(".%2e")
                || s.equalsIgnoreCase("%2e.");
    }
}
