/**
 * The http producer side: {@code BackendCallInterceptStrategy} wraps every {@code to: http(s):} step, and
 * {@code BackendClient} sends it without a thread, on the client connection's event loop; endpoints with options that
 * client does not implement go through camel-http ({@code GatewayHttpComponent}).
 */
package org.camelgateway.backend;
