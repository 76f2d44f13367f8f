/**
 * How a gateway is built: {@code GatewayMain} makes a Camel {@code Main} with {@code GatewayConfiguration}, the one
 * configuration class, which binds the gateway's components under Camel's own names ({@code netty-http}, {@code http},
 * {@code https}) so that plain Camel YAML gets the proxy behaviour.
 */
package org.camelgateway.config;
