package org.camelgateway.exchange;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * RFC 3986 percent-encoding, once for the listener (what a request target may hold, what routing predicates see)
 * and the backend client (which targets go out without a URI parser touching them). Lookup tables rather than
 * regular expressions or {@code Character.digit}: every request's path and query pass through here, and only ASCII
 * hex digits make an escape.
 */
public final class PercentEncoding {

    /** RFC 3986 2.3. */
    public static final String UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
    /** RFC 3986 2.2. */
    public static final String SUB_DELIMS = "!$&'()*+,;=";
    /** RFC 3986 3.3: {@code pchar} less {@code pct-encoded}. */
    public static final String PCHAR = UNRESERVED + SUB_DELIMS + ":@";

    /** RFC 3986 3.3: what a path may hold as it is, besides escapes. */
    private static final boolean[] PATH = table(PCHAR + "/");
    /** RFC 3986 3.4: what a query may hold as it is, besides escapes. */
    private static final boolean[] QUERY = table(PCHAR + "/?");
    /** The value of an ASCII hex digit, -1 for any other character below 128. */
    private static final byte[] HEX = new byte[128];

    static {
        Arrays.fill(HEX, (byte) -1);
        for (int i = 0; i < 16; i++) {
            HEX["0123456789abcdef".charAt(i)] = (byte) i;
            HEX["0123456789ABCDEF".charAt(i)] = (byte) i;
        }
    }

    private PercentEncoding() {
    }

    private static boolean[] table(String chars) {
        boolean[] t = new boolean[128];
        for (int i = 0; i < chars.length(); i++) {
            t[chars.charAt(i)] = true;
        }
        return t;
    }

    /** Whether {@code c} may stand in a path as it is. */
    public static boolean isPathChar(char c) {
        return c < 128 && PATH[c];
    }

    /** Whether {@code c} may stand in a query as it is. */
    public static boolean isQueryChar(char c) {
        return c < 128 && QUERY[c];
    }

    /** The value of the ASCII hex digit {@code c}, or -1. */
    public static int hexValue(int c) {
        return c >= 0 && c < 128 ? HEX[c] : -1;
    }

    /** Whether a {@code %} and two hex digits start at {@code i}. */
    public static boolean isEscape(String s, int i) {
        return i + 2 < s.length() && s.charAt(i) == '%' && hexValue(s.charAt(i + 1)) >= 0
                && hexValue(s.charAt(i + 2)) >= 0;
    }

    /** The byte the escape at {@code i} stands for; call only where {@link #isEscape} holds. */
    public static int escapedByte(String s, int i) {
        return hexValue(s.charAt(i + 1)) << 4 | hexValue(s.charAt(i + 2));
    }

    /**
     * The index of the first character from {@code from} on that is neither allowed as it is (in a path, or with
     * {@code query} in a query) nor the {@code %} of a well-formed escape; -1 if there is none.
     */
    public static int firstInvalid(String s, int from, boolean query) {
        boolean[] allowed = query ? QUERY : PATH;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 128 && allowed[c]) {
                continue;
            }
            if (c != '%' || !isEscape(s, i)) {
                return i;
            }
            i += 2;
        }
        return -1;
    }

    /**
     * Percent-decoding as UTF-8; {@code +} stays {@code +} (it is only a space in form bodies). A malformed escape
     * is kept as it is, so decoding never fails.
     */
    public static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[in.length];
        int n = 0;
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (b == '%' && i + 2 < in.length) {
                int hi = hexValue(in[i + 1]);
                int lo = hexValue(in[i + 2]);
                if (hi >= 0 && lo >= 0) {
                    out[n++] = (byte) (hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out[n++] = b;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
