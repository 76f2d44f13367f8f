/**
 * The header policy in both directions: what never crosses the gateway (hop-by-hop, {@code Camel*}), what it adds
 * (X-Forwarded-*, X-Request-Id, believed only from {@code TrustedProxies}), how response headers are cleaned, and
 * Camel's header map.
 */
package org.camelgateway.headers;
