/**
 * The netty-http consumer side, where every client connection lands: the component, its pipeline (connection limits,
 * strict decoding, request-head checks, one request at a time, body spooling), the per-port dispatcher and the
 * {@code NettyHttpBinding} between Netty messages and Camel messages.
 */
package org.camelgateway.listener;
