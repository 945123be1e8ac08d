package io.tailwatch.testservers.undertow;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * Sends Undertow's, XNIO's and JBoss Threads' logging (JBoss Logging over java.util.logging) to
 * standard output: the tests require standard error to hold nothing but the agent's line, and
 * java.util.logging's default console handler writes to standard error.
 */
final class StdoutLogging {
    private StdoutLogging() {
    }

    /** Call first in main, before any JBoss Logging class loads. */
    static void install() {
        System.setProperty("org.jboss.logging.provider", "jdk");
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        StreamHandler stdout = new StreamHandler(System.out, new SimpleFormatter()) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        stdout.setLevel(Level.ALL);
        root.addHandler(stdout);
    }
}
