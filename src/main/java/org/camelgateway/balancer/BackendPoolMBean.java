package org.camelgateway.balancer;

/**
 * A backend pool over JMX: its members in route order, their state and counters, and the operations to change
 * weights and drain or restore a member; every change applies from the next request, without a reload.
 */
public interface BackendPoolMBean {

    String[] getMembers();

    int[] getWeights();

    /** Per member: up, ejected (passive health), breaker-open or drained. */
    String[] getHealth();

    /** Per member: CLOSED, OPEN, HALF_OPEN ... as resilience4j names them. */
    String[] getBreakerStates();

    long[] getRequests();

    long[] getFailures();

    long[] getEjections();

    long getRetries();

    long getRetriesDenied();

    void setWeight(String member, int weight);

    /** Takes the member out of rotation; requests already on it finish. */
    void drain(String member);

    void restore(String member);
}
