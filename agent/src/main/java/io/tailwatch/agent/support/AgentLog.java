package io.tailwatch.agent.support;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's only output: single lines on standard error, prefixed {@code tailwatch: }. A
 * recurring problem is reported once, so that a broken feature never floods the host's logs.
 */
public final class AgentLog {
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();
    private static volatile PrintStream out = System.err;
    /** The first lines printed, for {@link #linesSince}: enough for a start, bounded for a long run. */
    private static final List<String> PRINTED = new ArrayList<>();
    private static final int KEPT = 100;

    private AgentLog() {
    }

    public static void line(String message) {
        String line = "tailwatch: " + message;
        synchronized (PRINTED) {
            if (PRINTED.size() < KEPT) {
                PRINTED.add(line);
            }
        }
        PrintStream stream = out;
        stream.println(line);
        stream.flush();
    }

    /** How many lines were printed so far (of the first {@value #KEPT}): a mark for {@link #linesSince}. */
    public static int mark() {
        synchronized (PRINTED) {
            return PRINTED.size();
        }
    }

    /** The lines printed since {@code mark} (of the first {@value #KEPT}), as printed. */
    public static List<String> linesSince(int mark) {
        synchronized (PRINTED) {
            return new ArrayList<>(PRINTED.subList(Math.min(mark, PRINTED.size()), PRINTED.size()));
        }
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
