/**
 * Operating a running gateway: the management port (metrics, health), request metrics and the access log, per-route
 * timers, the logging set-up and graceful drain on SIGTERM.
 */
package org.camelgateway.management;
