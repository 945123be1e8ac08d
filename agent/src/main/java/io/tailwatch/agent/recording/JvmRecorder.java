package io.tailwatch.agent.recording;

import org.HdrHistogram.Histogram;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the JVM itself did: garbage-collection pauses and concurrent cycles, safepoints, hiccups,
 * heap after GC and CPU load. Written by the agent's own threads (the JFR stream, the GC
 * notification listener, the hiccup meter), never by application threads, a few times per GC or
 * once per hiccup interval: the writers may take this object's small locks. Read under
 * {@link Recording}'s harvest lock, like every recorder.
 *
 * <p>Histograms are counted exactly into fixed buckets ({@link #PAUSE_BOUNDS_NANOS}); exact
 * quantiles and the longest value come from the sliding window.
 */
public final class JvmRecorder {
    /** Upper bounds, in nanoseconds, of every JVM pause, cycle and hiccup histogram: 100 µs to 10 s. */
    public static final long[] PAUSE_BOUNDS_NANOS = {
            100_000L, 250_000L, 500_000L, 1_000_000L, 2_500_000L, 5_000_000L, 10_000_000L, 25_000_000L, 50_000_000L,
            100_000_000L, 250_000_000L, 500_000_000L, 1_000_000_000L, 2_500_000_000L, 5_000_000_000L, 10_000_000_000L};
    /** Label sets per labelled histogram at most: collectors, causes and actions are few, so this only guards against surprises. */
    static final int MAX_LABEL_SETS = 200;
    static final String OVERFLOW = "_OTHER";

    private final long windowNanos;
    private final Labelled gcPauses = new Labelled();
    private final Windowed gcPauseWindow;
    private final Map<String, WindowMax> gcPauseMax = new ConcurrentHashMap<>();
    private final Labelled gcCycles = new Labelled();
    private final Labelled gcDurations = new Labelled();
    private final BucketCounts hiccups = new BucketCounts(PAUSE_BOUNDS_NANOS);
    private final Windowed hiccupWindow;
    private final BucketCounts safepoints = new BucketCounts(PAUSE_BOUNDS_NANOS);
    private final BucketCounts safepointSync = new BucketCounts(PAUSE_BOUNDS_NANOS);
    private final WindowMax safepointMax;
    private volatile long heapUsedAfterGc = -1;
    private volatile double cpuJvmUser = Double.NaN;
    private volatile double cpuJvmSystem = Double.NaN;
    private volatile double cpuMachine = Double.NaN;

    public JvmRecorder(long windowNanos) {
        this.windowNanos = windowNanos;
        this.gcPauseWindow = new Windowed(windowNanos);
        this.hiccupWindow = new Windowed(windowNanos);
        this.safepointMax = new WindowMax(windowNanos);
    }

    /** A stop-the-world pause of a collector (its management-bean name) for a cause. */
    public void gcPause(String gcName, String cause, long nanos) {
        gcPauses.record(List.of(gcName, cause), nanos);
        gcPauseWindow.record(nanos);
        gcPauseMax.computeIfAbsent(gcName, n -> new WindowMax(windowNanos)).record(System.nanoTime(), nanos);
    }

    /** A whole concurrent cycle (ZGC, Shenandoah, G1 concurrent mark), pauses included. */
    public void gcCycle(String gcName, long nanos) {
        gcCycles.record(List.of(gcName), nanos);
    }

    /** One collection as its management bean reports it (OpenTelemetry's {@code jvm.gc.duration}). */
    public void gcDuration(String gcName, String action, long nanos) {
        gcDurations.record(List.of(gcName, action), nanos);
    }

    /**
     * The hiccup meter woke {@code excessNanos} later than it meant to. As jHiccup does, a hiccup
     * longer than the meter's interval also counts the intervals it swallowed (each with what was
     * left of the hiccup at its end), so that quantiles tell what a periodic observer would have seen.
     */
    public void hiccup(long excessNanos, long intervalNanos) {
        long v = Math.max(0, excessNanos);
        record(v);
        if (intervalNanos > 0) {
            for (long missed = v - intervalNanos; missed >= intervalNanos; missed -= intervalNanos) {
                record(missed);
            }
        }
    }

    private void record(long hiccupNanos) {
        hiccups.record(hiccupNanos);
        hiccupWindow.record(hiccupNanos);
    }

    /** A safepoint: from the start of its synchronisation to its end, and the part spent reaching it. */
    public void safepoint(long totalNanos, long syncNanos) {
        if (totalNanos >= 0) {
            safepoints.record(totalNanos);
            safepointMax.record(System.nanoTime(), totalNanos);
        }
        if (syncNanos >= 0) {
            safepointSync.record(syncNanos);
        }
    }

    public void heapUsedAfterGc(long bytes) {
        heapUsedAfterGc = bytes;
    }

    /** CPU load over the last period, each a share of all cores (0 to 1). */
    public void cpuLoad(double jvmUser, double jvmSystem, double machineTotal) {
        cpuJvmUser = jvmUser;
        cpuJvmSystem = jvmSystem;
        cpuMachine = machineTotal;
    }

    void harvest(long nowNanos) {
        gcPauseWindow.harvest(nowNanos);
        hiccupWindow.harvest(nowNanos);
    }

    /** Pauses by {@code [jvm_gc_name, jvm_gc_cause]}. */
    public Map<List<String>, BucketCounts> gcPauses() {
        return gcPauses.view();
    }

    /** Quantiles of all pauses over the window. Reader side only. */
    public SlidingWindow gcPauseWindow() {
        return gcPauseWindow.window;
    }

    /** The longest pause within the window, by collector; 0 for a collector that paused before it. */
    public Map<String, Long> gcPauseMax(long nowNanos) {
        Map<String, Long> max = new java.util.TreeMap<>();
        gcPauseMax.forEach((name, m) -> max.put(name, m.max(nowNanos)));
        return max;
    }

    /** Concurrent cycles by {@code [jvm_gc_name]}. */
    public Map<List<String>, BucketCounts> gcCycles() {
        return gcCycles.view();
    }

    /** Collections by {@code [jvm_gc_name, jvm_gc_action]}. */
    public Map<List<String>, BucketCounts> gcDurations() {
        return gcDurations.view();
    }

    public BucketCounts hiccups() {
        return hiccups;
    }

    /** Hiccups over the window. Reader side only. */
    public SlidingWindow hiccupWindow() {
        return hiccupWindow.window;
    }

    public BucketCounts safepoints() {
        return safepoints;
    }

    public BucketCounts safepointSync() {
        return safepointSync;
    }

    /** The longest safepoint within the window, or 0. */
    public long safepointMax(long nowNanos) {
        return safepointMax.max(nowNanos);
    }

    /** Heap used after the latest GC, or -1 before the first. */
    public long heapUsedAfterGc() {
        return heapUsedAfterGc;
    }

    public double cpuJvmUser() {
        return cpuJvmUser;
    }

    public double cpuJvmSystem() {
        return cpuJvmSystem;
    }

    public double cpuMachine() {
        return cpuMachine;
    }

    /** Histograms by label values, created on first use, at most {@link #MAX_LABEL_SETS} of them. */
    private static final class Labelled {
        private final Map<List<String>, BucketCounts> byLabels = new ConcurrentHashMap<>();

        void record(List<String> labels, long nanos) {
            BucketCounts counts = byLabels.get(labels);
            if (counts == null) {
                List<String> key = byLabels.size() < MAX_LABEL_SETS ? labels : Collections.nCopies(labels.size(), OVERFLOW);
                counts = byLabels.computeIfAbsent(key, k -> new BucketCounts(PAUSE_BOUNDS_NANOS));
            }
            counts.record(nanos);
        }

        Map<List<String>, BucketCounts> view() {
            return Collections.unmodifiableMap(byLabels);
        }
    }

    /** Values recorded by writer threads under a lock, moved into a sliding window at each harvest. */
    private static final class Windowed {
        private final Histogram interval = new Histogram(1_000, 3_600_000_000_000L, Distribution.SIGNIFICANT_DIGITS);
        private final SlidingWindow window;

        Windowed(long windowNanos) {
            this.window = new SlidingWindow(windowNanos, 1_000, 3_600_000_000_000L);
        }

        synchronized void record(long nanos) {
            interval.recordValue(Math.min(nanos, interval.getHighestTrackableValue()));
        }

        /** Reader side (under the harvest lock). */
        void harvest(long nowNanos) {
            window.advance(nowNanos);
            synchronized (this) {
                window.add(interval);
                interval.reset();
            }
        }
    }

    /** The largest value of the last {@link SlidingWindow#SLOTS} slots of a window. */
    private static final class WindowMax {
        private final long slotNanos;
        private final long[] slots = new long[SlidingWindow.SLOTS];
        private final long[] max = new long[SlidingWindow.SLOTS];

        WindowMax(long windowNanos) {
            this.slotNanos = Math.max(1, windowNanos / SlidingWindow.SLOTS);
            java.util.Arrays.fill(slots, Long.MIN_VALUE);
        }

        synchronized void record(long nowNanos, long value) {
            long slot = Math.floorDiv(nowNanos, slotNanos);
            int i = (int) Math.floorMod(slot, SlidingWindow.SLOTS);
            if (slots[i] != slot) {
                slots[i] = slot;
                max[i] = 0;
            }
            max[i] = Math.max(max[i], value);
        }

        synchronized long max(long nowNanos) {
            long current = Math.floorDiv(nowNanos, slotNanos);
            long m = 0;
            for (int i = 0; i < slots.length; i++) {
                if (slots[i] != Long.MIN_VALUE && current - slots[i] < SlidingWindow.SLOTS) {
                    m = Math.max(m, max[i]);
                }
            }
            return m;
        }
    }
}
