package io.tailwatch.agent.recording;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which instrumentations the agent installed, and which of them found their library and changed
 * at least one of its classes ({@code tailwatch_agent_instrumentation_applied}). An installed one
 * that never applies is a library the application does not use, or one whose version the agent
 * does not recognise. Thread-safe; written at class-load time, never on a request.
 */
public final class InstrumentationStatus {
    private final Map<String, Boolean> applied = new ConcurrentHashMap<>();

    public void installed(String name) {
        applied.putIfAbsent(name, Boolean.FALSE);
    }

    /** A class of the instrumentation's library was transformed. */
    public void applied(String name) {
        applied.put(name, Boolean.TRUE);
    }

    /** Each installed instrumentation, by name, with whether it has applied. */
    public Map<String, Boolean> read() {
        return new TreeMap<>(applied);
    }
}
