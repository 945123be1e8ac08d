package io.tailwatch.agent.support;

import java.security.AccessController;
import java.security.PrivilegedAction;

/**
 * Every thread the agent starts: a daemon with a name beginning {@code tailwatch-}. Instrumentation
 * recognises the agent's own work by this type (for example, accepts by the metrics endpoint are
 * not the application's connections).
 *
 * <p>The agent may start one from any thread of the application, one that runs a web application
 * among them (the preparing thread starts again when a web application loads a library the agent
 * instruments): such a thread takes nothing of its creator that could keep the application's
 * classes alive as long as it runs. Not its context class loader (it gets the system class loader,
 * which lives as long as the JVM), not its inheritable thread-locals, and, on JDK 17 to 23, not the
 * access control context a new thread inherits, whose protection domains name the class loaders of
 * the classes on the creator's stack: Tomcat found an undeployed application's loader pinned
 * through it.
 */
public final class AgentThread extends Thread {
    private AgentThread(String name, Runnable task) {
        super(null, task, "tailwatch-" + name, 0, false);
        setDaemon(true);
        setContextClassLoader(ClassLoader.getSystemClassLoader());
    }

    /** A new agent thread, not started; see the class comment for what it does not take from the caller. */
    @SuppressWarnings("removal")
    public static AgentThread create(String name, Runnable task) {
        // Privileged: the thread's inherited context then holds only the agent's own frames.
        return AccessController.doPrivileged((PrivilegedAction<AgentThread>) () -> new AgentThread(name, task));
    }

    /** True when the calling thread is one of the agent's own. */
    public static boolean isCurrent() {
        return Thread.currentThread() instanceof AgentThread;
    }
}
