package org.camelgateway.headers;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The client address of a request: the socket peer, unless the peer is one of the configured trusted proxies, in
 * which case {@code X-Forwarded-For} is walked from the right past every trusted hop (nginx's
 * {@code real_ip_recursive}, Envoy's trusted hops). Entries a client wrote to the left of the first untrusted hop
 * are never believed.
 */
public final class TrustedProxies {

    private final List<Cidr> cidrs;

    private TrustedProxies(List<Cidr> cidrs) {
        this.cidrs = cidrs;
    }

    /** Parses a comma-separated list of addresses and CIDRs, e.g. {@code 10.0.0.0/8, 127.0.0.1, ::1}. */
    public static TrustedProxies parse(String list) {
        List<Cidr> cidrs = new ArrayList<>();
        if (list != null) {
            for (String entry : list.split(",")) {
                if (!entry.isBlank()) {
                    cidrs.add(Cidr.parse(entry.trim()));
                }
            }
        }
        return new TrustedProxies(List.copyOf(cidrs));
    }

    public boolean isTrusted(String address) {
        if (cidrs.isEmpty() || address == null) {
            return false;
        }
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr c : cidrs) {
            if (c.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The client address for a request from {@code peer} carrying {@code forwardedFor} (may be null). */
    public String clientAddress(String peer, String forwardedFor) {
        if (!isTrusted(peer) || forwardedFor == null || forwardedFor.isBlank()) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        String client = peer;
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (literal(hop) == null) {
                return client; // not an address: nothing left of it can be believed
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    /** The bytes of an IP literal, or null if {@code s} is not one; no name is ever looked up. */
    static byte[] literal(String s) {
        if (s.indexOf(':') >= 0) {
            // InetAddress parses only what starts as a literal does (a hex digit or ':'): ".:" it looks up as a name
            if (s.charAt(0) == '.') {
                return null;
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                    return null;
                }
            }
            try {
                return InetAddress.getByName(s).getAddress(); // a literal with ':' is never resolved
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            // ASCII digits only: Character.isDigit and Integer.parseInt also take Arabic-Indic and full-width ones
            if (parts[i].isEmpty() || parts[i].length() > 3 || !parts[i].chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(parts[i]);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    private record Cidr(byte[] network, int bits) {
        static Cidr parse(String s) {
            int slash = s.indexOf('/');
            byte[] address = literal(slash < 0 ? s : s.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("not an IP address or CIDR: " + s);
            }
            int bits = slash < 0 ? address.length * 8 : Integer.parseInt(s.substring(slash + 1));
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("bad prefix length in " + s);
            }
            return new Cidr(address, bits);
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }
}
