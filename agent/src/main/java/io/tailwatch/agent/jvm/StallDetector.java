package io.tailwatch.agent.jvm;

import io.tailwatch.agent.recording.Stalls;

/**
 * Decides, at each wake of the hiccup meter, whether the time it woke late was a stall of the whole
 * JVM (a stop-the-world pause: published to {@link Stalls}) or of the meter's thread alone (the
 * operating system ran something else), and how far {@link Stalls#watched} may advance. Plain code,
 * called by one thread only ({@link HiccupMeter}'s), so that the races with the JVM's counters can
 * be replayed in a unit test.
 *
 * <p>The JVM's safepoint counters are not updated atomically with the stop: the count is raised
 * when the JVM starts bringing threads to a safepoint, which the meter may still observe before it
 * is itself stopped, and the time is added only after the threads have been released, which the
 * meter may not observe at its first wake after the stall. A late wake that neither counter
 * explains yet is therefore held as pending, for at most {@link #PENDING_WAKES} wakes: published
 * once the safepoint time added since before it covers at least half of it, dropped otherwise.
 * While one is pending, the watch does not advance past its start, so that requests ending after it
 * are checked again once it is decided.
 */
final class StallDetector {
    /** Wakes a pending stall waits for the JVM's safepoint time before it is dropped. */
    static final int PENDING_WAKES = 8;

    private final long intervalNanos;
    private final Stalls stalls;
    /** Whether safepoint counters are read; without them every late wake is a stall of the JVM. */
    private final boolean countersAvailable;

    private long safepointNanos;
    private long safepointCount;
    private long pendingStart;
    private long pendingEnd;
    /** The safepoint time before the pending stall began. */
    private long pendingBaseNanos;
    private int pendingWakes;
    private boolean pending;

    /**
     * @param countersAvailable false where the JVM's safepoint counters cannot be read; the values
     *                          passed to {@link #wake} are then ignored
     */
    StallDetector(long intervalNanos, Stalls stalls, boolean countersAvailable, long safepointNanos, long safepointCount) {
        this.intervalNanos = intervalNanos;
        this.stalls = stalls;
        this.countersAvailable = countersAvailable;
        this.safepointNanos = safepointNanos;
        this.safepointCount = safepointCount;
    }

    /**
     * The meter meant to wake at {@code deadline}, one interval after its previous wake at
     * {@code previousWake}, and woke at {@code now}; the JVM's safepoint counters read then.
     *
     * @return how far the watch now extends: every stall that ended before it has been published
     */
    long wake(long previousWake, long deadline, long now, long safepointTotalNanos, long safepointTotalCount) {
        long stopped = safepointTotalNanos - safepointNanos;
        boolean jvmStopped = !countersAvailable || safepointTotalCount != safepointCount || stopped >= intervalNanos;
        long before = safepointNanos;
        safepointNanos = safepointTotalNanos;
        safepointCount = safepointTotalCount;
        if (pending) {
            if (safepointTotalNanos - pendingBaseNanos >= (pendingEnd - pendingStart) / 2) {
                stalls.publish(pendingStart, pendingEnd);
                pending = false;
            } else if (++pendingWakes >= PENDING_WAKES) {
                pending = false;
            }
        }
        long excess = now - deadline;
        if (excess >= intervalNanos) {
            if (jvmStopped) {
                // Stalls are published in order: an older one still undecided is given up.
                pending = false;
                // The stall began at the missed deadline, or earlier if the safepoint time says so.
                long start = stopped > excess ? Math.max(previousWake, now - stopped) : deadline;
                stalls.publish(start, now);
            } else if (!pending) {
                pending = true;
                pendingStart = deadline;
                pendingEnd = now;
                pendingBaseNanos = before;
                pendingWakes = 0;
            }
        }
        return pending ? pendingStart : now;
    }
}
