package org.camelgateway.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.netty.util.ResourceLeakDetector;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Netty's leak detector at paranoid level, with its reports collected: every buffer is tracked, and one that is
 * garbage collected without being released is reported by the detector's logger.
 */
public final class LeakWatch extends AbstractAppender {

    private final List<String> leaks = new CopyOnWriteArrayList<>();

    private LeakWatch() {
        super("leak-watch", null, null, true, Property.EMPTY_ARRAY);
    }

    public static LeakWatch install() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        LeakWatch watch = new LeakWatch();
        watch.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        org.apache.logging.log4j.core.Logger logger = context.getLogger("io.netty.util.ResourceLeakDetector");
        logger.addAppender(watch);
        return watch;
    }

    @Override
    public void append(LogEvent event) {
        String message = event.getMessage().getFormattedMessage();
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
