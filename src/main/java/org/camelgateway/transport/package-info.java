/**
 * Netty plumbing both sides share: epoll or NIO event loops, and one pending timeout check per connection.
 */
package org.camelgateway.transport;
