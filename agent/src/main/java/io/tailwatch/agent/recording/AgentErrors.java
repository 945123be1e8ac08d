package io.tailwatch.agent.recording;

import io.tailwatch.agent.support.AgentLog;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts failures inside the agent, by component, so that they can be exported
 * ({@code tailwatch_agent_errors_total}) instead of escaping into the host application. The first
 * failure of each component is also printed as one line.
 */
public final class AgentErrors {
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private AgentErrors() {
    }

    public static void record(String component, Throwable error) {
        COUNTS.computeIfAbsent(component, c -> new LongAdder()).increment();
        AgentLog.once("error:" + component, "internal error in " + component + " (counted in tailwatch_agent_errors_total, further ones not printed): "
                + AgentLog.describe(error));
    }

    /** A copy of the counts, by component name. */
    public static Map<String, Long> counts() {
        Map<String, Long> copy = new TreeMap<>();
        COUNTS.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
