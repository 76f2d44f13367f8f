package org.camelgateway.errors;

/** Every member of a pool is drained, so there is nobody to send the request to (answered 503). */
public final class NoBackendAvailableException extends RuntimeException {

    public NoBackendAvailableException(String pool) {
        super("no member of pool " + pool + " is available");
    }
}
