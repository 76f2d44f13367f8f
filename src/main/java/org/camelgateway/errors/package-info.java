/**
 * What went wrong and what the client is told: one classification of failures gives the status (502, 503, 504) and
 * the retry safety, and RFC 9457 problem bodies carry the request id.
 */
package org.camelgateway.errors;
