package io.tailwatch.agent.support;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only output: single lines on standard error, prefixed {@code tailwatch: }. A
 * recurring problem is reported once, so that a broken feature never floods the host's logs.
 */
public final class AgentLog {
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    private static volatile PrintStream out = System.err;

    private AgentLog() {
    }

    public static void line(String message) {
        PrintStream stream = out;
        stream.println("tailwatch: " + message);
        stream.flush();
    }

    /** Prints the message the first time this key is reported, and never again. */
    public static void once(String key, String message) {
        if (REPORTED.add(key)) {
            line(message);
        }
    }

    /** Describes a throwable in one line: its class and message, no stack trace. */
    public static String describe(Throwable t) {
        String message = t.getMessage();
        String text = t.getClass().getName() + (message == null ? "" : ": " + message);
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
