package org.camelgateway.proxy;

import io.netty.channel.Channel;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.http.HttpServerInitializerFactory;
import org.apache.camel.component.netty.http.NettyHttpConsumer;

/**
 * The listener's Netty pipeline: Camel's, with the body aggregator replaced by one that answers 413 with a body.
 * {@link GatewayNettyHttpComponent} builds every listener with it.
 */
public class GatewayServerInitializerFactory extends HttpServerInitializerFactory {

    public GatewayServerInitializerFactory(NettyHttpConsumer consumer) {
        super(consumer);
    }

    @Override
    public ServerInitializerFactory createPipelineFactory(NettyConsumer consumer) {
        return new GatewayServerInitializerFactory((NettyHttpConsumer) consumer);
    }

    @Override
    protected void initChannel(Channel ch) throws Exception {
        super.initChannel(ch);
        ch.pipeline().replace("aggregator", "aggregator",
                new BodyLimitAggregator(configuration.getChunkedMaxContentLength()));
    }
}
