package io.tailwatch.agent.support;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent thread started from a thread of a web application takes nothing of it that would keep
 * the application's class loader alive (the access control context that JDK 17 to 23 also hand on
 * is checked end to end by Tomcat11RedeployIT, through a heap that must let the loader go).
 */
class AgentThreadTest {
    private static final InheritableThreadLocal<Object> APPLICATION_STATE = new InheritableThreadLocal<>();

    @Test
    void aThreadStartedFromAnApplicationThreadTakesNeitherItsLoaderNorItsThreadLocals() throws Exception {
        ClassLoader application = new URLClassLoader(new URL[0], null);
        AtomicReference<AgentThread> created = new AtomicReference<>();
        Thread applicationThread = new Thread(() -> {
            APPLICATION_STATE.set(application);
            created.set(AgentThread.create("test", () -> { }));
        });
        applicationThread.setContextClassLoader(application);
        applicationThread.start();
        applicationThread.join();

        AgentThread agent = created.get();
        assertEquals(ClassLoader.getSystemClassLoader(), agent.getContextClassLoader());
        assertEquals("tailwatch-test", agent.getName());
        assertTrue(agent.isDaemon());
        AtomicReference<Object> seen = new AtomicReference<>("not run");
        AgentThread reader = AgentThread.create("reader", () -> seen.set(APPLICATION_STATE.get()));
        APPLICATION_STATE.set(application);
        try {
            reader.start();
            reader.join();
        } finally {
            APPLICATION_STATE.remove();
        }
        assertNull(seen.get(), "an inheritable thread-local of the creating thread");
    }
}
