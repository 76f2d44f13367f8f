package org.camelgateway.support;

import java.io.IOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts {@link Backend}s and the real gateway ({@link GatewayUnderTest}) for the tests of a class and stops them
 * after, in place of a {@code @BeforeAll}/{@code @AfterAll} pair (Zuul's {@code ZuulServerExtension} pattern):
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayExtension gateway = GatewayExtension.routes("proxy").backend("backend.url", "backend")
 *         .unreachableBackend().property("gateway.expose-route", "true");
 * }</pre>
 *
 * In a static field the gateway serves the whole class, and before each test its backends are {@link
 * Backend#restore restored}, so no test sees what another one sent or set. In an instance field it starts afresh
 * for every test, with the test's own {@link Property @Property} values on top.
 */
public final class GatewayExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    /** A backend address where nothing listens (port 1 on loopback): connecting is refused at once. */
    public static final String UNREACHABLE_URL = "http://127.0.0.1:1";

    /** A gateway property for one test, when the extension is in an instance field. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @Repeatable(Properties.class)
    public @interface Property {
        String name();

        String value();
    }

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    public @interface Properties {
        Property[] value();
    }

    private final Path routes;
    /** Backend name to the property that carries its URL. */
    private final Map<String, String> backendProperties = new LinkedHashMap<>();
    /** Suppliers, since some values (a {@code @TempDir}) exist only once the test instance does. */
    private final Map<String, Supplier<String>> properties = new LinkedHashMap<>();
    private final Map<String, Backend> backends = new LinkedHashMap<>();
    private GatewayUnderTest gateway;
    private boolean perTest;

    private GatewayExtension(Path routes) {
        this.routes = routes;
    }

    /** The routes in {@code src/test/resources/routes/<scenario>}. */
    public static GatewayExtension routes(String scenario) {
        return new GatewayExtension(Path.of("src/test/resources/routes", scenario));
    }

    /** The routes in {@code folder}, e.g. the shipped {@code routes/}. */
    public static GatewayExtension routes(Path folder) {
        return new GatewayExtension(folder);
    }

    /** A {@link Backend} called {@code name} (what it answers by default), its URL in {@code property}. */
    public GatewayExtension backend(String property, String name) {
        backendProperties.put(name, property);
        return this;
    }

    /** {@code unreachable.url}, which the proxy routes call to show a refused connection, set to {@link #UNREACHABLE_URL}. */
    public GatewayExtension unreachableBackend() {
        return property("unreachable.url", UNREACHABLE_URL);
    }

    public GatewayExtension property(String name, String value) {
        return property(name, () -> value);
    }

    /** A property whose value is known only when the gateway starts, such as a {@code @TempDir} of the test. */
    public GatewayExtension property(String name, Supplier<String> value) {
        properties.put(name, value);
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        start(Map.of());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Map<String, String> overrides = new HashMap<>();
        context.getTestMethod().ifPresent(m -> AnnotationSupport.findRepeatableAnnotations(m, Property.class)
                .forEach(p -> overrides.put(p.name(), p.value())));
        if (gateway != null && !perTest) {
            if (!overrides.isEmpty()) {
                throw new IllegalStateException("@Property " + overrides + " needs the extension in an instance field;"
                        + " in a static one the gateway is already running");
            }
            backends.values().forEach(Backend::restore);
            return;
        }
        // an instance field: JUnit never calls beforeAll, and each test gets its own gateway
        perTest = true;
        start(overrides);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    private void start(Map<String, String> overrides) throws Exception {
        Map<String, String> p = new HashMap<>();
        for (Map.Entry<String, String> b : backendProperties.entrySet()) {
            Backend backend = startBackend(b.getKey());
            p.put(b.getValue(), backend.url());
        }
        properties.forEach((name, value) -> p.put(name, value.get()));
        p.putAll(overrides);
        gateway = GatewayUnderTest.start(routes, p);
    }

    private Backend startBackend(String name) throws IOException {
        Backend backend = Backend.start(name);
        backends.put(name, backend);
        return backend;
    }

    private void stop() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
        backends.values().forEach(Backend::close);
        backends.clear();
    }

    /** The backend called {@code name}. */
    public Backend backend(String name) {
        Backend backend = backends.get(name);
        if (backend == null) {
            throw new IllegalArgumentException("no backend " + name + " (started: " + backends.keySet() + ")");
        }
        return backend;
    }

    public Collection<Backend> backends() {
        return backends.values();
    }

    public GatewayUnderTest gateway() {
        if (gateway == null) {
            throw new IllegalStateException("the gateway is not running: is the extension registered?");
        }
        return gateway;
    }

    public int port() {
        return gateway().port();
    }

    public int managementPort() {
        return gateway().managementPort();
    }

    public String url(String path) {
        return gateway().url(path);
    }

    /** The management port's Prometheus text. */
    public String metrics() throws IOException {
        return gateway().metrics();
    }

    public CamelContext context() {
        return gateway().context();
    }

    public Main main() {
        return gateway().main();
    }
}
