package io.tailwatch.agent.recording;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which instrumentations the agent installed, and which of them found their library and changed
 * at least one of its classes ({@code tailwatch_agent_instrumentation_applied}). An installed one
 * that never applies is a library the application does not use, or one whose version the agent
 * does not recognise. Also how each measures ({@link Mode}) and whether the agent was attached to a
 * running JVM. Thread-safe; written at start and at class-load time, never on a request.
 */
public final class InstrumentationStatus {
    /** How an instrumentation measures its library's requests ({@code tailwatch_agent_instrumentation_mode}). */
    public enum Mode {
        /** As designed: the request clock starts when the server has the request. */
        FULL("full"),
        /**
         * The library's classes were loaded before the agent attached, and the instrumentation
         * measures without the fields it would add: its clock starts when a thread starts to handle
         * the request, so queue time is not in it.
         */
        HANDLER_START("handler_start"),
        /** The library's classes were loaded before the agent attached, and cannot be measured. */
        UNMEASURED("unmeasured");

        /** The label value. */
        public final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    private final Map<String, Boolean> applied = new ConcurrentHashMap<>();
    private final Map<String, Mode> modes = new ConcurrentHashMap<>();
    private volatile boolean attached;

    public void installed(String name) {
        applied.putIfAbsent(name, Boolean.FALSE);
        modes.putIfAbsent(name, Mode.FULL);
    }

    /** A class of the instrumentation's library was transformed. */
    public void applied(String name) {
        applied.put(name, Boolean.TRUE);
    }

    /** The instrumentation measures as {@code mode} says from now on. */
    public void mode(String name, Mode mode) {
        modes.put(name, mode);
    }

    /** The agent was loaded into a running JVM rather than at its start. */
    public void attached() {
        attached = true;
    }

    public boolean isAttached() {
        return attached;
    }

    /** Each installed instrumentation, by name, with whether it has applied. */
    public Map<String, Boolean> read() {
        return new TreeMap<>(applied);
    }

    /** Each installed instrumentation, by name, with how it measures. */
    public Map<String, Mode> modes() {
        return new TreeMap<>(modes);
    }
}
