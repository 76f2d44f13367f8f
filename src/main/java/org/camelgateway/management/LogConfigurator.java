package org.camelgateway.management;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import org.slf4j.LoggerFactory;

/**
 * The gateway's default log set-up, found by logback through {@code META-INF/services}. Written in code rather than
 * as a {@code logback.xml}: reading XML at start-up costs about 60 ms more, and log4j2 with the same two appenders
 * cost 190 ms more (src/bench/RESULTS.md).
 * <p>
 * A user's own file wins: with {@code -Dlogback.configurationFile=/path/logback.xml} this configurator steps aside
 * and logback reads that file instead. So it does for a {@code logback-test.xml} on the class path, which only a
 * test run has: logback would read it after this configurator, too late.
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

    /** The logger of the access log: one JSON object per line on stdout, nothing around it. */
    public static final String ACCESS_LOGGER = "gateway.access";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || LogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.NEUTRAL;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console(context, "out", "%d{HH:mm:ss.SSS} %-5level %-30.30logger{0} %msg%n"));

        // the access log stays parseable by log shippers as it is: no time, level or logger name around the JSON
        Logger access = context.getLogger(ACCESS_LOGGER);
        access.setAdditive(false);
        access.addAppender(console(context, "access", "%msg%n"));

        // per-request noise from Netty's pipeline
        context.getLogger("io.netty").setLevel(Level.WARN);
        // every failed request is logged once, in one line with its request id, by the gateway (ErrorResponses);
        // Camel's error handler would add a second entry with a stack trace and message history for the same request
        context.getLogger("org.apache.camel.processor.errorhandler.DefaultErrorHandler").setLevel(Level.OFF);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * For commands that print their own outcome ({@code --validate}, {@code --training-run}): only warnings and
     * errors from here on, and no access log.
     */
    public static void quiet() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
        context.getLogger(ACCESS_LOGGER).setLevel(Level.OFF);
    }

    private static ConsoleAppender<ILoggingEvent> console(LoggerContext context, String name, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.start();
        return appender;
    }
}
