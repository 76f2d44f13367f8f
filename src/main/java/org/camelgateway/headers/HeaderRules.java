package org.camelgateway.headers;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which headers cross the gateway, and in what form: the rules behind {@link GatewayHeaderFilterStrategy},
 * {@link RequestHeaders} and {@link ResponseHeaders}, for both backend clients and the listener.
 *
 * <p>Never forwarded, in either direction: Camel's own headers in any letter case (they could steer the exchange,
 * CVE-2025-27636), hop-by-hop headers (RFC 9110 7.6.1) and those a message's {@code Connection} header names. A
 * value is always written as one line.
 */
public final class HeaderRules {

    /** Hop-by-hop headers: meaningful for a single connection only, never forwarded in either direction. */
    private static final String[] HOP_BY_HOP_NAMES = {
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"};
    private static final String[][] HOP_BY_HOP = byLength(HOP_BY_HOP_NAMES);

    /**
     * Outgoing (to a backend or to the client): hop-by-hop plus what the writer sets itself. HttpClient derives
     * {@code Content-Length}/{@code Content-Type} from the entity and {@code Host} from the target; the netty
     * consumer derives {@code Content-Length} from the body. {@code Expect} was already answered by the gateway.
     * {@code Proxy-Authorization} is for this hop.
     */
    private static final String[][] OUTGOING = byLength(Stream.concat(Arrays.stream(HOP_BY_HOP_NAMES),
            Stream.of("content-length", "content-type", "host", "expect", "proxy-authorization"))
            .toArray(String[]::new));

    private HeaderRules() {
    }

    /** A name that could steer the exchange if it came from outside, in any letter case. */
    public static boolean isCamelInternal(String name) {
        return name.regionMatches(true, 0, "camel", 0, 5) || name.regionMatches(true, 0, "org.apache.camel", 0, 16);
    }

    /** One of the fixed hop-by-hop names, in any letter case (those a {@code Connection} header lists aside). */
    public static boolean isHopByHop(String name) {
        return among(HOP_BY_HOP, name);
    }

    /**
     * Hop-by-hop for one message: a fixed name, or one of {@code connectionNamed} (from {@link #connectionNamed}).
     */
    public static boolean isHopByHop(String name, Set<String> connectionNamed) {
        return isHopByHop(name)
                || !connectionNamed.isEmpty() && connectionNamed.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether a header is one the next hop must not get from here. Looked up among the names of the same length:
     * one or two {@code equalsIgnoreCase} at most, where a case-insensitive TreeSet walked four comparisons for
     * each header (3 % of the CPU at full load).
     */
    static boolean isOutgoingOnly(String name) {
        return among(OUTGOING, name);
    }

    /**
     * The names a message's {@code Connection} lines list, lower-cased, beyond the fixed hop-by-hop ones: none for
     * the usual {@code keep-alive} or {@code close}, and then no set is made.
     */
    public static Set<String> connectionNamed(List<String> connectionValues) {
        if (connectionValues == null || connectionValues.isEmpty()) {
            return Set.of();
        }
        Set<String> names = Set.of();
        for (String value : connectionValues) {
            for (String token : value.split(",")) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                // "close" is a connection option, and "Close" a reserved field name (RFC 9110 18.4): no set for it
                if (!t.isEmpty() && !isHopByHop(t) && !"close".equals(t)) {
                    if (names.isEmpty()) {
                        names = new HashSet<>();
                    }
                    names.add(t);
                }
            }
        }
        return names;
    }

    /**
     * A header value as one line: CR, LF, FF, VT and NUL become spaces. CR, LF, FF and VT are what HttpClient (and so
     * camel-http) replaces; RFC 9110 5.5 asks the same of CR, LF and NUL. A route may copy client input into a header
     * ({@code ${header.CamelHttpQuery}} is percent-decoded); a raw line break there would let the client add headers
     * or a second request of its own on the backend connection, and a NUL ends the line early for some parsers. An
     * obs-fold (a line break followed by a space) becomes spaces too, as RFC 9112 5.2 allows.
     */
    public static String oneLine(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (breaksLine(value.charAt(i))) {
                char[] chars = value.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    if (breaksLine(chars[j])) {
                        chars[j] = ' ';
                    }
                }
                return new String(chars);
            }
        }
        return value;
    }

    private static boolean breaksLine(char c) {
        return c == '\r' || c == '\n' || c == '\f' || c == '\u000b' || c == '\0';
    }

    /**
     * What joins a repeated header's values into one (RFC 9110 5.3); {@code Cookie} takes {@code "; "} as RFC 6265
     * 5.4 requires.
     */
    public static String joiner(String name) {
        return "cookie".equalsIgnoreCase(name) ? "; " : ", ";
    }

    private static boolean among(String[][] byLength, String name) {
        if (name.length() >= byLength.length) {
            return false;
        }
        for (String candidate : byLength[name.length()]) {
            if (candidate.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    private static String[][] byLength(String... names) {
        int longest = Arrays.stream(names).mapToInt(String::length).max().orElse(0);
        String[][] table = new String[longest + 1][];
        for (int length = 0; length <= longest; length++) {
            int n = length;
            table[length] = Arrays.stream(names).filter(name -> name.length() == n).toArray(String[]::new);
        }
        return table;
    }
}
