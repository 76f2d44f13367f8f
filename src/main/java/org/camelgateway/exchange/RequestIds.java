package org.camelgateway.exchange;

import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.Exchange;

/**
 * The request id that ties logs, errors and backends together: the client's {@code X-Request-Id} when it is plain
 * enough to log as it is, else a new random one.
 */
public final class RequestIds {

    private RequestIds() {
    }

    /** The exchange's request id, created if routing never started (a failure before the first step). */
    public static String of(Exchange exchange) {
        String id = exchange.getProperty(GatewayExchange.REQUEST_ID, String.class);
        if (id == null) {
            id = newId();
            exchange.setProperty(GatewayExchange.REQUEST_ID, id);
        }
        return id;
    }

    /** 128 random bits in hex; ThreadLocalRandom because SecureRandom contends under load and ids are not secrets. */
    public static String newId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] id = new char[32];
        hex(r.nextLong(), id, 0);
        hex(r.nextLong(), id, 16);
        return new String(id);
    }

    private static void hex(long v, char[] out, int offset) {
        for (int i = 15; i >= 0; i--) {
            out[offset + i] = HEX[(int) (v & 0xf)];
            v >>>= 4;
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The client's request id if it sent an acceptable one, else a new one. */
    public static String fromClient(String clientValue) {
        return isAcceptable(clientValue) ? clientValue : newId();
    }

    /** A client-supplied id is kept only if it is short and plain, so it is safe in logs and JSON. */
    static boolean isAcceptable(String id) {
        if (id == null || id.isEmpty() || id.length() > 128) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && c != '-' && c != '_' && c != '.' && c != ':') {
                return false;
            }
        }
        return true;
    }
}
