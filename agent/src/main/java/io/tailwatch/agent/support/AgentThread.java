package io.tailwatch.agent.support;

/**
 * Every thread the agent starts: a daemon with a name beginning {@code tailwatch-}. Instrumentation
 * recognises the agent's own work by this type (for example, accepts by the metrics endpoint are
 * not the application's connections).
 */
public final class AgentThread extends Thread {
    public AgentThread(String name, Runnable task) {
        super(task, "tailwatch-" + name);
        setDaemon(true);
    }

    /** True when the calling thread is one of the agent's own. */
    public static boolean isCurrent() {
        return Thread.currentThread() instanceof AgentThread;
    }
}
