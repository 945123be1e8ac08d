package io.tailwatch.agent.jvm;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.JvmRecorder;
import io.tailwatch.agent.recording.RequestPauses;
import io.tailwatch.agent.recording.Stalls;

import java.util.concurrent.locks.LockSupport;

/**
 * A thread that means to wake every interval and records how late it woke, as jHiccup does: a
 * stop-the-world pause, a long safepoint, the operating system running something else or a starved
 * CPU all make it late, whatever their cause.
 *
 * <p>Each tick is scheduled one interval after the previous wake, so that the whole timeline is
 * watched, including the meter's own work. A wake at least one interval late is a stall of the JVM,
 * published to {@link Stalls} for the requests it overlapped if the JVM's safepoint counters
 * ({@link SafepointClock}) say the JVM stopped; a lateness without a safepoint (the operating system
 * did not run the meter's thread) is a hiccup but not a pause of the application. Which is which is
 * decided by {@link StallDetector}. Then the requests that ended while the meter was late are
 * checked again ({@link RequestPauses#resolveDeferred}).
 */
final class HiccupMeter implements Runnable {
    private final long intervalNanos;
    private final JvmRecorder jvm;
    private final Stalls stalls;
    private final RequestPauses pauses;
    private final SafepointClock safepoints;

    /** @param safepoints the JVM's safepoint clock, or null to count every hiccup as a stall */
    HiccupMeter(long intervalNanos, JvmRecorder jvm, Stalls stalls, RequestPauses pauses, SafepointClock safepoints) {
        this.intervalNanos = intervalNanos;
        this.jvm = jvm;
        this.stalls = stalls;
        this.pauses = pauses;
        this.safepoints = safepoints;
    }

    @Override
    public void run() {
        stalls.watchedBy(intervalNanos, intervalNanos);
        long previousWake = System.nanoTime();
        StallDetector detector = new StallDetector(intervalNanos, stalls, safepoints != null,
                safepoints == null ? 0 : safepoints.totalNanos(), safepoints == null ? 0 : safepoints.count());
        while (true) {
            long deadline = previousWake + intervalNanos;
            long now = System.nanoTime();
            while (now < deadline) {
                LockSupport.parkNanos(deadline - now);
                if (Thread.interrupted()) {
                    return;
                }
                now = System.nanoTime();
            }
            try {
                jvm.hiccup(now - deadline, intervalNanos);
                long watched = detector.wake(previousWake, deadline, now,
                        safepoints == null ? 0 : safepoints.totalNanos(), safepoints == null ? 0 : safepoints.count());
                stalls.watched(watched);
                pauses.resolveDeferred(watched);
            } catch (Throwable t) {
                AgentErrors.record("hiccup-meter", t);
            }
            previousWake = now;
        }
    }
}
