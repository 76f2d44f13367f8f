package org.camelgateway.support;

import org.camelgateway.config.GatewayConfiguration;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.test.junit5.CamelTestSupport;

/**
 * camel-test-junit5 with the gateway's wiring: its listener and http components under their usual names and its
 * context configuration, without the management port. Routes come from the test, in any DSL.
 */
public abstract class GatewayCamelTestSupport extends CamelTestSupport {

    private final GatewayConfiguration gateway = new GatewayConfiguration();

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.put("gateway.management.enabled", "false");
        return p;
    }

    @Override
    protected void bindToRegistry(Registry registry) {
        registry.bind("netty-http", gateway.listener(10 * 1024 * 1024, true, false, 8192, 8192, 10_000, 75_000,
                10_000, false, 60_000, 65_536, "", 1L << 30, true));
        registry.bind("http", gateway.http());
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        gateway.configure(context);
        return context;
    }
}
