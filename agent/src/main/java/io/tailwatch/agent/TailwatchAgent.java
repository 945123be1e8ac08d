package io.tailwatch.agent;

import io.tailwatch.agent.support.AgentLog;

import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.jar.JarFile;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}).
 *
 * <p>Before any other agent class is loaded, it defines the {@link BootstrapClassSet} (the classes
 * advice in JDK classes calls, and what they reach) in the bootstrap class loader, so that the JDK
 * classes can resolve them and the rest of the agent, loaded by the system class loader from the
 * same jar, finds those same classes through delegation. Everything here may only use the JDK, the
 * class-file reading helpers and {@code AgentLog} (none of which the bootstrap set holds) until then.
 */
public final class TailwatchAgent {
    private TailwatchAgent() {
    }

    /** Whether an agent from this jar (or another copy of it) was started in this JVM already. */
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    public static void premain(String agentArgs, Instrumentation instrumentation) {
        start(agentArgs, instrumentation, false, null);
    }

    /**
     * Loaded into a running JVM. When {@link AttachCommand} loaded it, the arguments begin with
     * its {@code attach-id=ID,}; what the agent printed is then left for the command in the system
     * property {@code tailwatch.attach.ID} once it has started (or failed to).
     */
    public static void agentmain(String agentArgs, Instrumentation instrumentation) {
        String args = agentArgs;
        String attachId = null;
        if (args != null && args.startsWith(AttachCommand.ID_ARGUMENT)) {
            int comma = args.indexOf(',');
            attachId = args.substring(AttachCommand.ID_ARGUMENT.length(), comma < 0 ? args.length() : comma);
            args = comma < 0 ? "" : args.substring(comma + 1);
        }
        start(args, instrumentation, true, attachId);
    }

    private static void start(String agentArgs, Instrumentation instrumentation, boolean attached, String attachId) {
        int mark = AgentLog.mark();
        Runnable report = attachId == null ? () -> { }
                : () -> System.setProperty(AttachCommand.REPORT_PROPERTY_PREFIX + attachId, String.join("\n", AgentLog.linesSince(mark)));
        if (!STARTED.compareAndSet(false, true)) {
            AgentLog.line("already active in this JVM; this " + (attached ? "attach" : "-javaagent") + " changed nothing");
            report.run();
            return;
        }
        try {
            File jar = new File(TailwatchAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String version;
            Map<String, byte[]> bootstrapClasses;
            try (JarFile jarFile = new JarFile(jar)) {
                version = jarFile.getManifest().getMainAttributes().getValue("Implementation-Version");
                bootstrapClasses = BootstrapClassSet.of(jarFile);
            }
            defineInBootstrapLoader(instrumentation, jar, bootstrapClasses);
            AgentBootstrap.start(agentArgs, instrumentation, version == null ? "dev" : version, jar.getPath(), attached, report);
        } catch (Throwable t) {
            AgentLog.line("agent disabled, the application runs unmeasured: " + AgentLog.describe(t));
            report.run();
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
