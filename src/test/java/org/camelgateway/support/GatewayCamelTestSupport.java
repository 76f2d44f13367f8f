package org.camelgateway.support;

import org.camelgateway.config.GatewayConfiguration;

import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.test.junit5.CamelTestSupport;

/**
 * camel-test-junit5 with the gateway's wiring: its listener and http components under their usual names and its
 * context configuration, without the management port. Routes come from the test, in any DSL. Settings come from
 * the gateway's own {@code application.properties}, as in a packaged gateway, with a test's overrides on top.
 */
public abstract class GatewayCamelTestSupport extends CamelTestSupport {

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.put("gateway.management.enabled", "false");
        p.put("gateway.expose-route", "true");
        return p;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        context.getPropertiesComponent().setLocation("classpath:application.properties");
        // camel-test applies these after this method; the components built below read them now
        context.getPropertiesComponent().setOverrideProperties(useOverridePropertiesWithPropertiesComponent());
        // as camel-main does with a configuration class: its @BindToRegistry methods, then configure
        GatewayConfiguration gateway = new GatewayConfiguration();
        org.apache.camel.support.PluginHelper.getBeanPostProcessor(context).postProcessBeforeInitialization(gateway, "gateway");
        gateway.configure(context);
        return context;
    }
}
