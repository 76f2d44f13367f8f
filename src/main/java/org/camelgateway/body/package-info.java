/**
 * Bodies: request bodies held in memory or spooled to an unlinked file up to the 413 limit, and response bodies relayed
 * as they arrive, on the event loop or on a thread.
 */
package org.camelgateway.body;
