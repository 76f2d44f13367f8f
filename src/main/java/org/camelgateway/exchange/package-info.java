/**
 * The facts every package shares about one request: exchange property and header names, what the listener saw,
 * request ids, percent-encoding and retry-safety rules. It imports nothing of the gateway.
 */
package org.camelgateway.exchange;
