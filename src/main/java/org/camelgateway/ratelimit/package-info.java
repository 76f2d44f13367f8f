/**
 * {@code RateLimit}, a {@code Processor} used as a route step: N requests per period per client address, 429 beyond.
 */
package org.camelgateway.ratelimit;
