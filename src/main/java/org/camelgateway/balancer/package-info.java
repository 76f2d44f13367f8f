/**
 * {@code BackendPool}, a Camel {@code customLoadBalancer}: smooth weighted round robin, failover with safe retries and a
 * retry budget, passive health, per-member circuit breakers, and an MBean per pool.
 */
package org.camelgateway.balancer;
