package io.tailwatch.agent.jvm;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * The JVM's count of safepoints ({@code sun.rt.safepoints}, counted when one begins) and running
 * total of time spent in them ({@code sun.rt.safepointTime}, added once one has ended, after the
 * threads were released), read from its performance-counter memory at the cost of a memory read
 * each. The hiccup meter uses them to tell a stall of the JVM (a stop-the-world pause) from a
 * stall of its own thread (the operating system running something else): only the first stops
 * every request.
 *
 * <p>Unavailable (null from {@link #open}) with {@code -XX:-UsePerfData}, or if a JDK changes the
 * counters' layout; the meter then counts every hiccup as a stall.
 */
final class SafepointClock {
    private static final int MAGIC = 0xcafec0c0;
    private static final String SAFEPOINT_TIME = "sun.rt.safepointTime";
    private static final String SAFEPOINTS = "sun.rt.safepoints";
    private static final String FREQUENCY = "sun.os.hrt.frequency";

    private final ByteBuffer counters;
    private final int timeIndex;
    private final int countIndex;
    private final double nanosPerTick;

    private SafepointClock(ByteBuffer counters, int timeIndex, int countIndex, double nanosPerTick) {
        this.counters = counters;
        this.timeIndex = timeIndex;
        this.countIndex = countIndex;
        this.nanosPerTick = nanosPerTick;
    }

    /** The JVM's safepoint clock, or null where it cannot be read. Never throws. */
    static SafepointClock open(Instrumentation instrumentation, String agentJar) {
        try {
            return parse(attach(instrumentation, agentJar));
        } catch (Throwable t) {
            return null;
        }
    }

    private static ByteBuffer attach(Instrumentation instrumentation, String agentJar) throws Exception {
        try (URLClassLoader isolated = new URLClassLoader(new URL[]{new File(agentJar).toURI().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> attach = Class.forName(PerfDataAttach.class.getName(), true, isolated);
            instrumentation.redefineModule(Object.class.getModule(), Set.of(),
                    Map.of("jdk.internal.perf", Set.of(isolated.getUnnamedModule())), Map.of(), Set.of(), Map.of());
            return (ByteBuffer) attach.getMethod("attachSelf").invoke(null);
        }
    }

    /**
     * Finds the counter in the version 2 layout of {@code hsperfdata}: a prologue (magic, byte
     * order, version, entry offset and count), then entries of {entry length, name offset, vector
     * length, type, flags, units, variability, data offset}, each followed by its name and data.
     */
    static SafepointClock parse(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.BIG_ENDIAN);
        if (b.capacity() < 32 || b.getInt(0) != MAGIC || b.get(5) != 2) {
            return null;
        }
        b.order(b.get(4) == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int offset = b.getInt(24);
        int entries = b.getInt(28);
        int timeIndex = -1;
        int countIndex = -1;
        long frequency = -1;
        for (int i = 0; i < entries && offset > 0 && offset + 20 <= b.capacity(); i++) {
            int length = b.getInt(offset);
            int nameOffset = b.getInt(offset + 4);
            int vectorLength = b.getInt(offset + 8);
            byte type = b.get(offset + 12);
            int dataOffset = b.getInt(offset + 16);
            if (length <= 0 || offset + length > b.capacity()) {
                return null;
            }
            if (type == 'J' && vectorLength == 0 && dataOffset + 8 <= length) {
                String name = name(b, offset + nameOffset, offset + length);
                if (SAFEPOINT_TIME.equals(name)) {
                    timeIndex = offset + dataOffset;
                } else if (SAFEPOINTS.equals(name)) {
                    countIndex = offset + dataOffset;
                } else if (FREQUENCY.equals(name)) {
                    frequency = b.getLong(offset + dataOffset);
                }
            }
            offset += length;
        }
        if (frequency <= 0 && !System.getProperty("os.name", "").startsWith("Windows")) {
            // The frequency counter is created after an agent's premain. HotSpot's clock on Linux
            // and macOS is System.nanoTime()'s, in nanoseconds; Windows' depends on the machine.
            frequency = 1_000_000_000L;
        }
        if (timeIndex < 0 || countIndex < 0 || frequency <= 0) {
            return null;
        }
        return new SafepointClock(b, timeIndex, countIndex, 1e9 / frequency);
    }

    private static String name(ByteBuffer b, int from, int limit) {
        int end = from;
        while (end < limit && b.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - from];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = b.get(from + i);
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Nanoseconds the JVM has spent in safepoints since it started, up to the last one that ended. */
    long totalNanos() {
        return (long) (counters.getLong(timeIndex) * nanosPerTick);
    }

    /** Safepoints the JVM has begun since it started. */
    long count() {
        return counters.getLong(countIndex);
    }
}
