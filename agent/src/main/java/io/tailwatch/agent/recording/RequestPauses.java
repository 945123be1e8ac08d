package io.tailwatch.agent.recording;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * HTTP requests whose execution overlapped a stop-the-world stall of the JVM ({@link Stalls}), and
 * the time each of them lost to it: "how much of my P99 is the JVM's, not my code's".
 *
 * <p>A request is checked when it ends ({@link #ended}), on its own thread, without a lock or an
 * allocation. The hiccup meter publishes a stall when it wakes after it, which is usually before
 * any request stalled with it ends, but not always: all threads resume together, and a request that
 * was nearly done can finish first. A request that finds no stall while the meter has not reported
 * for longer than a stall worth counting is therefore kept in a bounded queue (lock-free, no
 * allocation) and checked again by the meter after its next report ({@link #resolveDeferred}).
 * Each request is counted at most once: either at its end or when it is checked again. When the
 * queue is full (thousands of requests ending within one stall of the meter) the rest are counted
 * in {@link #unchecked()} instead.
 */
public final class RequestPauses {
    /** Deferred requests held at most (a power of two). */
    static final int DEFERRED = 4096;

    private final Stalls stalls;
    private final LongAdder paused = new LongAdder();
    private final Distribution lost = Distribution.ofNanos();
    private final LongAdder unchecked = new LongAdder();
    /** Start and end of each deferred request, in slots {@code 2i} and {@code 2i + 1}. */
    private final AtomicLongArray deferred = new AtomicLongArray(DEFERRED * 2);
    /** For each slot, the claim number plus one once its request has been written. */
    private final AtomicLongArray written = new AtomicLongArray(DEFERRED);
    private final AtomicLong claims = new AtomicLong();
    /** Claims below this have been checked; written by the meter thread only. */
    private volatile long checked;

    public RequestPauses(Stalls stalls) {
        this.stalls = stalls;
    }

    /**
     * A request that ran from {@code start} to {@code end} has ended. Any thread; lock-free and,
     * but for the first use of a {@link Distribution} stripe, allocation-free.
     *
     * @return the time it lost to stalls known now (0 if none, or if it is deferred)
     */
    public long ended(long start, long end) {
        long overlap = stalls.overlap(start, end);
        if (overlap > 0) {
            record(overlap);
            return overlap;
        }
        if (overlap < 0 || stalls.mayNotKnowYet(end)) {
            defer(start, end);
        }
        return 0;
    }

    private void defer(long start, long end) {
        long claim;
        do {
            claim = claims.get();
            if (claim - checked >= DEFERRED) {
                unchecked.increment();
                return;
            }
        } while (!claims.compareAndSet(claim, claim + 1));
        int slot = (int) (claim & (DEFERRED - 1));
        deferred.set(2 * slot, start);
        deferred.set(2 * slot + 1, end);
        written.set(slot, claim + 1);
    }

    private void record(long lostNanos) {
        paused.increment();
        lost.record(lostNanos);
    }

    /**
     * Meter thread only, after it has published every stall that ended before {@code watchedUntil}:
     * checks the deferred requests that ended before then. A request that ended later, or whose
     * slot is still being written, waits for the next call.
     */
    public void resolveDeferred(long watchedUntil) {
        long next = checked;
        while (next < claims.get()) {
            int slot = (int) (next & (DEFERRED - 1));
            if (written.get(slot) != next + 1) {
                return;
            }
            long start = deferred.get(2 * slot);
            long end = deferred.get(2 * slot + 1);
            if (end > watchedUntil) {
                return;
            }
            long overlap = stalls.overlap(start, end);
            if (overlap > 0) {
                record(overlap);
            }
            next++;
            checked = next;
        }
    }

    /** Requests that overlapped a stall. */
    public long paused() {
        return paused.sum();
    }

    /** The time each paused request lost to stalls. */
    public Distribution lost() {
        return lost;
    }

    /** Requests that may have overlapped a stall but could not be checked (the deferred queue was full). */
    public long unchecked() {
        return unchecked.sum();
    }

    void harvest() {
        lost.harvest(null);
    }
}
