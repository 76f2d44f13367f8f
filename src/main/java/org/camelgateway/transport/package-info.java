/**
 * Netty plumbing both sides share: epoll or NIO event loops, the TLS engine and
 * versions, and one pending timeout check per connection.
 */
package org.camelgateway.transport;
