package org.camelgateway.headers;

import java.util.Arrays;
import java.util.stream.Stream;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * The one header policy of the gateway, set on both the netty-http consumer and the http producer.
 *
 * <p>Camel's stock strategies drop {@code Cache-Control}, {@code Date}, {@code Pragma}, {@code Via} and
 * {@code Warning}, which a proxy must pass through, and compare {@code Camel*} case-sensitively in some
 * versions (CVE-2025-27636). This one only removes what a proxy must never forward: Camel's own headers in any
 * letter case, hop-by-hop headers (RFC 9110 7.6.1) and the framing headers that the next hop recomputes.
 */
public final class GatewayHeaderFilterStrategy implements HeaderFilterStrategy {

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

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        // every header of every request and response passes here: compared ignoring case, without a lower-case copy
        return isCamelInternal(headerName) || isOutgoingOnly(headerName);
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        // Hop-by-hop headers from a backend are let in here: the consumer binding removes them together with
        // the headers that Connection names, which a per-header filter cannot see.
        return isCamelInternal(headerName);
    }

    /** A name that could steer the exchange if it came from outside, in any letter case. */
    public static boolean isCamelInternal(String name) {
        return name.regionMatches(true, 0, "camel", 0, 5) || name.regionMatches(true, 0, "org.apache.camel", 0, 16);
    }

    /**
     * Whether a header is one the next hop must not get from here. Looked up among the names of the same length:
     * one or two {@code equalsIgnoreCase} at most, where a case-insensitive TreeSet walked four comparisons for
     * each header (3 % of the CPU at full load).
     */
    static boolean isOutgoingOnly(String name) {
        return among(OUTGOING, name);
    }

    /** One of the fixed hop-by-hop names, in any letter case (those a {@code Connection} header lists aside). */
    public static boolean isHopByHop(String name) {
        return among(HOP_BY_HOP, name);
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
