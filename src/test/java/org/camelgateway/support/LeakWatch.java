package org.camelgateway.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.util.ResourceLeakDetector;
import org.slf4j.LoggerFactory;

/**
 * Netty's leak detector at paranoid level, with its reports collected: every buffer is tracked, and one that is
 * garbage collected without being released is reported by the detector's logger.
 */
public final class LeakWatch extends AppenderBase<ILoggingEvent> {

    private final List<String> leaks = new CopyOnWriteArrayList<>();

    private LeakWatch() {
    }

    public static LeakWatch install() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        LeakWatch watch = new LeakWatch();
        Logger logger = (Logger) LoggerFactory.getLogger("io.netty.util.ResourceLeakDetector");
        watch.setContext(logger.getLoggerContext());
        watch.setName("leak-watch");
        watch.start();
        logger.addAppender(watch);
        return watch;
    }

    @Override
    protected void append(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        if (message.contains("LEAK")) {
            leaks.add(message);
        }
    }

    /** Leak reports so far; collect garbage first so that unreleased buffers are found. */
    public List<String> leaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return List.copyOf(leaks);
    }
}
