package io.tailwatch.agent.recording;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated by the calling thread, from {@code com.sun.management.ThreadMXBean}; -1 where the
 * JVM does not measure it (and on virtual threads, whose allocation the JVM charges to the carrier).
 */
public final class ThreadAllocation {
    private static final com.sun.management.ThreadMXBean BEAN = lookup();

    private ThreadAllocation() {
    }

    private static com.sun.management.ThreadMXBean lookup() {
        try {
            java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
            if (bean instanceof com.sun.management.ThreadMXBean) {
                com.sun.management.ThreadMXBean sun = (com.sun.management.ThreadMXBean) bean;
                if (sun.isThreadAllocatedMemorySupported() && sun.isThreadAllocatedMemoryEnabled()) {
                    return sun;
                }
            }
        } catch (Throwable t) {
            AgentErrors.record("thread-allocation", t);
        }
        return null;
    }

    public static boolean supported() {
        return BEAN != null;
    }

    public static long currentThreadAllocatedBytes() {
        com.sun.management.ThreadMXBean bean = BEAN;
        return bean == null ? -1 : bean.getCurrentThreadAllocatedBytes();
    }
}
