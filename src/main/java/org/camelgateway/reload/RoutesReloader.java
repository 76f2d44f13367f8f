package org.camelgateway.reload;

import org.camelgateway.listener.GatewayNettyHttpComponent;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hitless reload of the routes folder, a Kubernetes ConfigMap mount included (its files are links into a
 * {@code ..data} folder that the kubelet swaps atomically). Camel's own reload stops routes first (503s, then a
 * refused port while it binds again) and leaves no routes when a file is broken. Here a change is first validated
 * as a whole set ({@link RoutesValidator}); a broken set is reported with file and line and the old routes keep
 * serving. A valid set is swapped while the listener holds new requests at the edge and the listener's port
 * stays bound; in-flight requests finish on the old routes.
 */
public final class RoutesReloader extends ServiceSupport implements RoutesReloadMBean {

    private static final Logger LOG = LoggerFactory.getLogger(RoutesReloader.class);

    private final CamelContext context;
    private final Path dir;
    private final RouteSetCheck check;
    private final long debounceMillis;
    private final Counter successes;
    private final Counter failures;
    private volatile String fingerprint;
    private volatile String lastError = "";
    private WatchService watcher;
    private ObjectName objectName;
    private Thread thread;

    public RoutesReloader(CamelContext context, Path dir, RouteSetCheck check, long debounceMillis,
            MeterRegistry metrics) {
        this.context = context;
        this.dir = dir;
        this.check = check;
        this.debounceMillis = debounceMillis;
        this.successes = Counter.builder("gateway.reloads").tag("result", "success")
                .description("Reloads of the routes folder").register(metrics);
        this.failures = Counter.builder("gateway.reloads").tag("result", "failure").register(metrics);
    }

    @Override
    public String getRoutesFolder() {
        return dir.toString();
    }

    @Override
    public long getSuccesses() {
        return (long) successes.count();
    }

    @Override
    public long getFailures() {
        return (long) failures.count();
    }

    @Override
    public String getLastError() {
        return lastError;
    }

    @Override
    public boolean reload() {
        return reloadIfChanged();
    }

    @Override
    protected void doStart() throws Exception {
        fingerprint = fingerprint();
        watcher = FileSystems.getDefault().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        thread = new Thread(this::watch, "gateway-routes-reload");
        thread.setDaemon(true);
        thread.start();
        objectName = new ObjectName("org.apache.camel:context=" + context.getName() + ",type=reload,name=\"routes\"");
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (!server.isRegistered(objectName)) {
            server.registerMBean(new StandardMBean(this, RoutesReloadMBean.class), objectName);
        }
        LOG.info("Watching {} for route changes", dir);
    }

    @Override
    protected void doStop() throws Exception {
        if (watcher != null) {
            watcher.close();
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        if (objectName != null && server.isRegistered(objectName)) {
            server.unregisterMBean(objectName);
        }
    }

    private void watch() {
        try {
            while (isRunAllowed()) {
                WatchKey key = watcher.take();
                // let a burst of writes (an editor's save, the kubelet's swap) settle
                do {
                    key.pollEvents();
                    key.reset();
                    key = watcher.poll(debounceMillis, TimeUnit.MILLISECONDS);
                } while (key != null);
                reloadIfChanged();
            }
        } catch (ClosedWatchServiceException | InterruptedException stopped) {
            // stopping
        }
    }

    /** Applies the folder if its route files changed since the last reload; returns true if the set was applied. */
    public synchronized boolean reloadIfChanged() {
        String now;
        try {
            now = fingerprint();
        } catch (IOException e) {
            fail(List.of(dir + ": " + e.getMessage()));
            return false;
        }
        if (now.equals(fingerprint)) {
            return false;
        }
        fingerprint = now;
        List<String> problems;
        try {
            problems = check.problems(dir, liveProperties());
        } catch (IOException e) {
            problems = List.of(dir + ": " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            fail(problems);
            return false;
        }
        return swap();
    }

    /** Every property the running context resolves placeholders from (files, initial and override values). */
    private Properties liveProperties() {
        PropertiesComponent pc = context.getPropertiesComponent();
        Properties all = new Properties();
        all.putAll(pc.loadProperties());
        if (pc instanceof org.apache.camel.component.properties.PropertiesComponent impl) {
            if (impl.getInitialProperties() != null) {
                all.putAll(impl.getInitialProperties());
            }
            if (impl.getOverrideProperties() != null) {
                all.putAll(impl.getOverrideProperties());
            }
        }
        return all;
    }

    private boolean swap() {
        ModelCamelContext model = (ModelCamelContext) context;
        List<RouteDefinition> old = new ArrayList<>(model.getRouteDefinitions());
        GatewayNettyHttpComponent listener = context.getComponent("netty-http") instanceof GatewayNettyHttpComponent c
                ? c : null;
        long start = System.nanoTime();
        try (GatewayNettyHttpComponent.Hold held = listener != null
                ? listener.holdNewRequests(Duration.ofSeconds(5)) : () -> { }) {
            try {
                model.removeRouteDefinitions(old);
                List<Resource> resources = new ArrayList<>();
                for (Path file : RoutesValidator.routeFiles(dir)) {
                    resources.add(ResourceHelper.resolveResource(context, "file:" + file));
                }
                PluginHelper.getRoutesLoader(context).loadRoutes(resources);
            } catch (Exception e) {
                LOG.error("Reload failed while swapping, restoring the previous routes: {}", e.getMessage());
                try {
                    model.removeRouteDefinitions(new ArrayList<>(model.getRouteDefinitions()));
                    model.addRouteDefinitions(old);
                } catch (Exception restore) {
                    LOG.error("Could not restore the previous routes", restore);
                }
                fail(List.of(dir + ": " + e.getMessage()));
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(List.of(dir + ": interrupted while holding new requests"));
            return false;
        }
        if (listener != null) {
            listener.stopUnusedListeners();
        }
        lastError = "";
        successes.increment();
        LOG.info("Reloaded {} routes from {} in {} ms", context.getRoutes().size(), dir,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return true;
    }

    private void fail(List<String> problems) {
        lastError = String.join("\n", problems);
        failures.increment();
        problems.forEach(p -> LOG.error("Routes not reloaded, the previous ones keep serving: {}", p));
    }

    /** A digest of the names and contents of the route files, read through links as the loader reads them. */
    private String fingerprint() throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Path file : RoutesValidator.routeFiles(dir)) {
                digest.update(file.getFileName().toString().getBytes());
                digest.update(Files.readAllBytes(file));
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
