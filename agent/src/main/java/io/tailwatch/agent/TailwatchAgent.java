package io.tailwatch.agent;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}).
 *
 * <p>Before any other agent class is loaded, it defines the {@link BootstrapClassSet} (the classes
 * advice in JDK classes calls, and what they reach) in the bootstrap class loader, so that the JDK
 * classes can resolve them and the rest of the agent, loaded by the system class loader from the
 * same jar, finds those same classes through delegation. Everything here may only use the JDK and
 * the class-file reading helpers until then.
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
            Map<String, byte[]> bootstrapClasses;
            try (JarFile jarFile = new JarFile(jar)) {
                version = jarFile.getManifest().getMainAttributes().getValue("Implementation-Version");
                bootstrapClasses = BootstrapClassSet.of(jarFile);
            }
            defineInBootstrapLoader(instrumentation, jar, bootstrapClasses);
            AgentBootstrap.start(agentArgs, instrumentation, version == null ? "dev" : version, jar.getPath());
        } catch (Throwable t) {
            System.err.println("tailwatch: agent disabled, the application runs unmeasured: " + t);
        }
    }

    /**
     * Defines the classes through {@link BootstrapInjector}, loaded by a throwaway loader to which
     * alone {@code jdk.internal.misc} is opened. Where that is refused, falls back to appending the
     * whole jar to the bootstrap class path, which works the same but makes the JVM print a line
     * about class data sharing.
     */
    private static void defineInBootstrapLoader(Instrumentation instrumentation, File jar, Map<String, byte[]> classes)
            throws IOException {
        try (URLClassLoader isolated = new URLClassLoader(new URL[]{jar.toURI().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> injector = Class.forName("io.tailwatch.agent.BootstrapInjector", true, isolated);
            instrumentation.redefineModule(Object.class.getModule(), Set.of(), Map.of(),
                    Map.of("jdk.internal.misc", Set.of(isolated.getUnnamedModule())), Set.of(), Map.of());
            injector.getMethod("define", java.util.List.class, java.util.List.class)
                    .invoke(null, new ArrayList<>(classes.keySet()), new ArrayList<>(classes.values()));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar));
        }
    }
}
