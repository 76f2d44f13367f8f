package org.camelgateway.errors;

/** Looks through an exception's cause chain: Camel and HttpClient wrap the I/O error that decides the status. */
public final class Causes {

    private Causes() {
    }

    /** The first throwable in {@code t}'s cause chain that is a {@code type}, or null. */
    public static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    /** The last throwable of the cause chain: the one whose message says what actually happened. */
    public static Throwable root(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
