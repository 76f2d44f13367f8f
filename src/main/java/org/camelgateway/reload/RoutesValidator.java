package org.camelgateway.reload;

import org.camelgateway.errors.Causes;
import org.camelgateway.management.LogConfigurator;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.FailedToCreateRouteException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.main.Main;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;

/**
 * {@code --validate DIR}: checks a routes folder as the gateway would load it, without serving, and reports each
 * problem as {@code file:line: message}, for CI pipelines and before a reload. First every file must parse on its
 * own (so errors name their file), then the whole set must build into routes with the gateway's components and
 * properties (unknown endpoints or options, missing placeholders, bad bean properties). The gateway to build them
 * in comes from the function it is made with, so this package needs nothing of the one that makes gateways.
 */
public final class RoutesValidator implements RouteSetCheck {

    /** SnakeYAML's mark ({@code in file:/x/a.yaml, line 6, column 11}): exact, so a folder named "line 9" is no line. */
    private static final Pattern YAML_MARK = Pattern.compile(", line (\\d+), column \\d+");
    private static final Pattern LINE = Pattern.compile("line[: ]+(\\d+)", Pattern.CASE_INSENSITIVE);

    private final Function<Path, Main> gateways;

    /** {@code gateways} makes an unstarted gateway whose routes are the folder's. */
    public RoutesValidator(Function<Path, Main> gateways) {
        this.gateways = gateways;
    }

    /** Returns the problems found; empty when the folder is valid. */
    public List<String> validate(Path dir) throws IOException {
        return problems(dir, new Properties());
    }

    /**
     * As {@link #validate(Path)}, with the properties a running gateway resolves placeholders from, so that a
     * reload is judged against the values it will really run with.
     */
    @Override
    public List<String> problems(Path dir, Properties properties) throws IOException {
        List<Path> files = routeFiles(dir);
        List<String> problems = new ArrayList<>();
        if (files.isEmpty()) {
            problems.add(dir + ": no *.yaml route files");
            return problems;
        }
        try (DefaultCamelContext parser = new DefaultCamelContext()) {
            for (Path file : files) {
                try {
                    PluginHelper.getRoutesLoader(parser).loadRoutes(
                            ResourceHelper.resolveResource(parser, "file:" + file));
                } catch (Exception e) {
                    problems.add(file + ":" + line(e) + ": " + rootMessage(e));
                }
            }
        }
        if (problems.isEmpty()) {
            buildAll(dir, properties, problems);
        }
        return problems;
    }

    private void buildAll(Path dir, Properties properties, List<String> problems) {
        Main main;
        try {
            main = gateways.apply(dir);
        } catch (IllegalArgumentException e) {
            problems.add(dir + ": " + e.getMessage());
            return;
        }
        properties.forEach((k, v) -> {
            String key = k.toString();
            if (!key.equals("gateway.port") && !key.equals("gateway.management.port") && !key.equals("gateway.routes")
                    && !key.equals("camel.main.routesIncludePattern")) {
                main.addOverrideProperty(key, v.toString());
            }
        });
        // build every route, start none: no port is bound
        main.addOverrideProperty("camel.main.autoStartup", "false");
        main.addOverrideProperty("camel.main.sourceLocationEnabled", "true");
        main.addOverrideProperty("gateway.management.enabled", "false");
        main.addOverrideProperty("gateway.reload.enabled", "false");
        // a second context named gateway must not register MBeans beside the live one
        main.addOverrideProperty("camel.main.jmxEnabled", "false");
        try {
            main.start();
        } catch (Exception e) {
            problems.add(locate(main, e, dir) + ": " + rootMessage(e));
        } finally {
            main.stop();
        }
    }

    /** Where a route that failed to build was written, from Camel's source location of the route. */
    private static String locate(Main main, Exception e, Path dir) {
        FailedToCreateRouteException failed = findFailedRoute(e);
        if (failed != null && main.getCamelContext() != null) {
            RouteDefinition route = ((ModelCamelContext) main.getCamelContext()).getRouteDefinition(failed.getRouteId());
            if (route != null && route.getLocation() != null) {
                return route.getLocation().replaceFirst("^file:", "") + ":" + Math.max(route.getLineNumber(), 1)
                        + " (route " + failed.getRouteId() + ")";
            }
            return dir + " (route " + failed.getRouteId() + ")";
        }
        return dir.toString();
    }

    private static FailedToCreateRouteException findFailedRoute(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof FailedToCreateRouteException f) {
                return f;
            }
        }
        return null;
    }

    /** The route files of a folder: *.yaml directly in it (links followed), in name order. */
    public static List<Path> routeFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml") && Files.isRegularFile(p))
                    .sorted().toList();
        }
    }

    private static int line(Throwable e) {
        for (Pattern pattern : new Pattern[] {YAML_MARK, LINE}) {
            for (Throwable c = e; c != null; c = c.getCause()) {
                Matcher m = pattern.matcher(String.valueOf(c.getMessage()));
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        return 1;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = Causes.root(e);
        String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return message.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> a + " " + b).orElse("");
    }

    /** Prints the outcome; returns the exit status (0 valid, 1 invalid). */
    public int report(Path dir, PrintStream out, PrintStream err) throws IOException {
        // only the verdict on stdout/stderr, not Camel's start-up log
        LogConfigurator.quiet();
        List<String> problems = validate(dir);
        if (problems.isEmpty()) {
            out.println(dir + ": " + routeFiles(dir).size() + " route files OK");
            return 0;
        }
        problems.forEach(err::println);
        return 1;
    }
}
