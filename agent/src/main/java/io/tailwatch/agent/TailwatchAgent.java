package io.tailwatch.agent;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.jar.JarFile;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}).
 *
 * <p>Advice woven into JDK classes (the HTTP server, the accept path) can only call classes the
 * bootstrap class loader can see, so this class appends the agent jar to the bootstrap class path
 * and starts the real agent, {@link AgentBootstrap}, from there; all the agent's classes, and its
 * relocated copies of Byte Buddy, HdrHistogram and the Prometheus client, then live in one loader
 * that the application's own versions of those libraries can never collide with. This class is
 * loaded by the system class loader and so must not name any other agent class directly.
 */
public final class TailwatchAgent {
    private TailwatchAgent() {
    }

    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation);
    }

    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation);
    }

    private static void start(String agentArgs, Instrumentation instrumentation) {
        try {
            File jar = new File(TailwatchAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String version;
            try (JarFile jarFile = new JarFile(jar)) {
                version = jarFile.getManifest().getMainAttributes().getValue("Implementation-Version");
            }
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
            Class<?> bootstrap = Class.forName("io.tailwatch.agent.AgentBootstrap", true, null);
            Method start = bootstrap.getMethod("start", String.class, Instrumentation.class, String.class, String.class);
            start.invoke(null, agentArgs, instrumentation, version == null ? "dev" : version, jar.getPath());
        } catch (Throwable t) {
            System.err.println("tailwatch: agent disabled, the application runs unmeasured: " + t);
        }
    }
}
