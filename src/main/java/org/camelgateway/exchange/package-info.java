/**
 * The facts every package shares about one request: exchange property and header names, what the listener saw,
 * request ids. It imports nothing of the gateway.
 */
package org.camelgateway.exchange;
