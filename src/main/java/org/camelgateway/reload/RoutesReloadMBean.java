package org.camelgateway.reload;

/** The routes folder's reload status over JMX. */
public interface RoutesReloadMBean {

    String getRoutesFolder();

    long getSuccesses();

    long getFailures();

    /** The problems of the last failed reload (file:line: message, one per line), empty after a success. */
    String getLastError();

    /** Reads the folder now instead of waiting for a file event; true if a changed set was applied. */
    boolean reload();
}
