package io.tailwatch.agent.jvm;

import java.lang.reflect.Method;
import java.nio.ByteBuffer;

/**
 * Maps the JVM's own performance counters ({@code hsperfdata}) through {@code jdk.internal.perf}.
 * Loaded by {@link SafepointClock} in a throwaway class loader to which alone that package is
 * exported, so that the application's classes gain no access to it. Uses only JDK classes.
 */
public final class PerfDataAttach {
    private PerfDataAttach() {
    }

    /** The counters of this JVM, read-only; the JVM never unmaps them. */
    public static ByteBuffer attachSelf() throws ReflectiveOperationException {
        Class<?> perfClass = Class.forName("jdk.internal.perf.Perf");
        Object perf = perfClass.getMethod("getPerf").invoke(null);
        try {
            // JDK 21 and later.
            Method attach = perfClass.getMethod("attach", int.class);
            return (ByteBuffer) attach.invoke(perf, 0);
        } catch (NoSuchMethodException e) {
            // JDK 17: attach(lvmid, mode); lvmid 0 is this JVM.
            Method attach = perfClass.getMethod("attach", int.class, String.class);
            return (ByteBuffer) attach.invoke(perf, 0, "r");
        }
    }
}
