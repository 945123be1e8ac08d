package io.tailwatch.agent.recording;

import java.lang.invoke.VarHandle;

/**
 * The JVM's recent stop-the-world stalls as intervals of {@link System#nanoTime()}, so that a request
 * can tell, when it ends, how much of its own interval the JVM was stopped.
 *
 * <p>One thread writes: the hiccup meter, which publishes a stall as soon as it wakes after one,
 * chronologically, so that the intervals are disjoint and ascending. Readers are request threads:
 * {@link #overlap} takes no lock and allocates nothing. It reads the ring between two reads of a
 * sequence number that the writer makes odd while it changes the ring (a sequence lock), and
 * retries if the writer came between; a request almost never overlaps a stall, and then it reads one
 * volatile field only ({@link #latestEnd}).
 *
 * <p>The writer also publishes how far its watch extends ({@link #watched}): every stall of at least
 * {@code minStallNanos} that ended before that time has been published. A request that ends further
 * than {@link #suspectAfterNanos} beyond it may have been stalled by a stall not yet published (the
 * meter has not woken since), and is checked again later ({@link RequestPauses}).
 */
public final class Stalls {
    /** Stalls remembered; a request overlapping more stalls than this, all of them long ago, counts only the newest. */
    static final int CAPACITY = 64;

    private final long[] starts = new long[CAPACITY];
    private final long[] ends = new long[CAPACITY];
    private int next;
    /** Odd while the writer changes {@link #starts} and {@link #ends}. */
    private volatile long sequence;
    private volatile long latestEnd = Long.MIN_VALUE;
    private volatile long watchedUntil = Long.MIN_VALUE;
    /** A request ending this far beyond {@link #watchedUntil} is checked again later; never when nothing watches. */
    private volatile long suspectAfterNanos = Long.MAX_VALUE;

    /**
     * A watcher (the hiccup meter) will publish every stall of at least {@code minStallNanos} within
     * about {@code periodNanos} of its end.
     */
    public void watchedBy(long periodNanos, long minStallNanos) {
        watchedUntil = System.nanoTime();
        suspectAfterNanos = periodNanos + minStallNanos;
    }

    /**
     * Writer thread only: the JVM was stopped from {@code start} to {@code end}. Stalls must be
     * published in ascending order and must not overlap each other.
     */
    public void publish(long start, long end) {
        if (end <= start) {
            return;
        }
        long s = sequence;
        sequence = s + 1;
        // The plain array writes must not become visible before the odd sequence number.
        VarHandle.storeStoreFence();
        starts[next] = start;
        ends[next] = end;
        next = (next + 1) & (CAPACITY - 1);
        latestEnd = end;
        sequence = s + 2;
    }

    /** Writer thread only: every stall that ended before {@code nanos} has been published. */
    public void watched(long nanos) {
        watchedUntil = nanos;
    }

    /**
     * How many nanoseconds of {@code [start, end]} the published stalls cover, or -1 if the writer
     * kept changing the ring while this read it. Any thread; lock-free and allocation-free.
     */
    public long overlap(long start, long end) {
        if (latestEnd <= start || end <= start) {
            return 0;
        }
        for (int attempt = 0; attempt < 8; attempt++) {
            long s = sequence;
            if ((s & 1) != 0) {
                Thread.onSpinWait();
                continue;
            }
            long total = 0;
            for (int i = 0; i < CAPACITY; i++) {
                long stallStart = starts[i];
                long stallEnd = ends[i];
                long covered = Math.min(stallEnd, end) - Math.max(stallStart, start);
                if (stallEnd > stallStart && covered > 0) {
                    total += covered;
                }
            }
            // The array reads above must complete before the sequence number is read again.
            VarHandle.loadLoadFence();
            if (sequence == s) {
                return total;
            }
        }
        return -1;
    }

    /**
     * Whether a request ending at {@code end} may have overlapped a stall that is not published
     * yet: the watcher has not reported for longer than a stall worth counting.
     */
    public boolean mayNotKnowYet(long end) {
        return end - watchedUntil > suspectAfterNanos;
    }
}
