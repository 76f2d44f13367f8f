package org.camelgateway.listener;

import org.camelgateway.body.BodyLimitAggregator;
import org.camelgateway.body.BodySpool;
import org.camelgateway.body.BodySpoolHandler;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import org.apache.camel.component.netty.NettyConsumer;
import org.apache.camel.component.netty.ServerInitializerFactory;
import org.apache.camel.component.netty.http.HttpServerInitializerFactory;
import org.apache.camel.component.netty.http.NettyHttpConfiguration;
import org.apache.camel.component.netty.http.NettyHttpConsumer;

/**
 * The listener's Netty pipeline: Camel's, with the edge protections around it. {@link GatewayNettyHttpComponent}
 * builds every listener with it.
 * <ul>
 * <li>first (after the {@code ssl} handler, from {@link TlsContexts}, when the listener has TLS), {@link ConnectionLimitsHandler}:
 * connection cap, header and idle timeouts, on raw bytes;</li>
 * <li>{@link StrictRequestDecoder}: strict line parsing (a bare CR or LF is refused, not guessed at);</li>
 * <li>after the encoder, {@link RequestOrderHandler}: requests in order, held during a reload; it answers what
 * {@link RequestHeadCheck} refuses (malformed, oversized and smuggling-shaped heads) and routes the normalized
 * target;</li>
 * <li>before Camel's body aggregator, {@link BodySpoolHandler}: large and chunked bodies go to a file instead of
 * direct memory;</li>
 * <li>the body aggregator answers 413 with a body ({@link BodyLimitAggregator}).</li>
 * </ul>
 */
public class GatewayServerInitializerFactory extends HttpServerInitializerFactory {

    private final ListenerSettings edge;
    private final BodySpool bodies;
    private final TlsContexts.ListenerTls tls;

    /**
     * With {@code tls} null the listener is plaintext. Camel's own constructor is not used: it would build a JDK
     * SSLContext from the same options (and fail on a PEM-only listener); left without one, Camel adds no
     * {@code ssl} handler while {@code isSsl()} still gives the https scheme and the SSL-session header.
     */
    public GatewayServerInitializerFactory(NettyHttpConsumer consumer, ListenerSettings edge, BodySpool bodies,
            TlsContexts.ListenerTls tls) {
        this.consumer = consumer;
        this.configuration = consumer.getConfiguration();
        this.edge = edge;
        this.bodies = bodies;
        this.tls = tls;
    }

    @Override
    public ServerInitializerFactory createPipelineFactory(NettyConsumer consumer) {
        return new GatewayServerInitializerFactory((NettyHttpConsumer) consumer, edge, bodies, tls);
    }

    @Override
    protected void initChannel(Channel ch) throws Exception {
        super.initChannel(ch);
        NettyHttpConfiguration config = configuration;
        // a client's FIN after its request must not cost it the response (ConnectionLimitsHandler closes after answering)
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        ChannelPipeline pipeline = ch.pipeline();
        if (tls != null && pipeline.get("ssl") == null) { // Camel adds its own only for the sslHandler option
            pipeline.addFirst("ssl", tls.newHandler(ch.alloc()));
        }
        pipeline.replace("decoder", "decoder", new StrictRequestDecoder(config.getMaxInitialLineLength(),
                config.getMaxHeaderSize(), config.getMaxChunkSize()));
        ConnectionLimitsHandler gate = new ConnectionLimitsHandler(edge);
        if (pipeline.get("ssl") != null) {
            // TLS comes first: the gate's own answers (503, 408, 400) must go out encrypted, not before it
            pipeline.addAfter("ssl", "connection-gate", gate);
        } else {
            pipeline.addFirst("connection-gate", gate);
        }
        pipeline.addAfter("encoder", "edge-guard", new RequestOrderHandler(gate, edge.reloadGate()));
        pipeline.addBefore("aggregator", "body-spooler", new BodySpoolHandler(bodies, config.getChunkedMaxContentLength()));
        pipeline.replace("aggregator", "aggregator", new BodyLimitAggregator(config.getChunkedMaxContentLength()));
    }
}
