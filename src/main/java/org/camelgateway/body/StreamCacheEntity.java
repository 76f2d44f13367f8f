package org.camelgateway.body;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

import org.apache.camel.StreamCache;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;

/**
 * A request body for HttpClient with the exact length and the client's exact {@code Content-Type}, read from the
 * stream cache without copying. Repeatable, so a failover or retry resends the same bytes.
 */
public final class StreamCacheEntity extends AbstractHttpEntity {

    private final StreamCache cache;
    private final long length;

    public StreamCacheEntity(StreamCache cache, long length, String contentType) {
        super(contentType, null, false);
        this.cache = cache;
        this.length = length;
    }

    @Override
    public long getContentLength() {
        return length;
    }

    @Override
    public boolean isRepeatable() {
        return true;
    }

    @Override
    public boolean isStreaming() {
        return false;
    }

    @Override
    public InputStream getContent() {
        cache.reset();
        return (InputStream) cache;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        cache.writeTo(out);
    }

    @Override
    public void close() {
        // the cache belongs to the exchange, which releases it when it completes
    }
}
