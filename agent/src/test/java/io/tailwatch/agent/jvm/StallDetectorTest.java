package io.tailwatch.agent.jvm;

import io.tailwatch.agent.recording.Stalls;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The hiccup meter's wakes replayed with the JVM's safepoint counters as HotSpot updates them: the
 * count when a safepoint begins, the time once the threads have been released.
 */
class StallDetectorTest {
    private static final long MS = 1_000_000L;
    private static final long INTERVAL = MS;

    private final Stalls stalls = new Stalls();
    private long wake = 1_000 * MS;
    private long safepointNanos;
    private long safepointCount;

    private StallDetector detector(boolean counters) {
        return new StallDetector(INTERVAL, stalls, counters, safepointNanos, safepointCount);
    }

    /** The meter wakes {@code late} after its deadline; returns the watch the detector reports. */
    private long wakeLate(StallDetector detector, long late) {
        long previous = wake;
        long deadline = previous + INTERVAL;
        wake = deadline + late;
        return detector.wake(previous, deadline, wake, safepointNanos, safepointCount);
    }

    @Test
    void aSafepointCountedBeforeTheWakeIsAStallAtTheMissedDeadline() {
        StallDetector detector = detector(true);
        wakeLate(detector, 0);
        long deadline = wake + INTERVAL;
        safepointCount++;
        assertEquals(deadline + 60 * MS, wakeLate(detector, 60 * MS));
        assertEquals(60 * MS, stalls.overlap(deadline - 10 * MS, wake + 10 * MS));
    }

    @Test
    void safepointTimeBeyondTheLatenessMovesTheStallsStartBack() {
        StallDetector detector = detector(true);
        wakeLate(detector, 0);
        long previous = wake;
        // The safepoint began half an interval after the previous wake and its time is already added.
        safepointCount++;
        safepointNanos += 5 * MS - INTERVAL / 2;
        wakeLate(detector, 4 * MS);
        assertEquals(5 * MS - INTERVAL / 2, stalls.overlap(previous, wake));
    }

    /**
     * The race that lost paused requests on ZGC: the meter read the raised count just before it was
     * stopped, and at its first wake after the stall the time is not added yet. The stall is held,
     * the watch stays at its start, and the stall is published once the time is added.
     */
    @Test
    void aStallTheCountersExplainOnlyAtTheNextWakeIsPublishedThen() {
        StallDetector detector = detector(true);
        wakeLate(detector, 0);
        safepointCount++;
        wakeLate(detector, 0);
        long deadline = wake + INTERVAL;
        assertEquals(deadline, wakeLate(detector, 60 * MS), "the watch waits at the stall's start");
        long stallEnd = wake;
        assertEquals(0, stalls.overlap(deadline, stallEnd), "not published yet");
        safepointNanos += 60 * MS;
        long watched = wakeLate(detector, 0);
        assertEquals(wake, watched);
        assertEquals(60 * MS, stalls.overlap(deadline - MS, stallEnd + MS));
    }

    @Test
    void aLateWakeTheSafepointTimeNeverExplainsIsDropped() {
        StallDetector detector = detector(true);
        wakeLate(detector, 0);
        long deadline = wake + INTERVAL;
        // The operating system did not run the meter for 5 ms; a short safepoint happens meanwhile.
        assertEquals(deadline, wakeLate(detector, 5 * MS));
        safepointCount++;
        safepointNanos += MS / 10;
        for (int i = 1; i < StallDetector.PENDING_WAKES; i++) {
            assertEquals(deadline, wakeLate(detector, 0), "still undecided after " + i + " wakes");
        }
        long watched = wakeLate(detector, 0);
        assertEquals(wake, watched, "dropped: the watch moves on");
        assertEquals(0, stalls.overlap(0, wake));
    }

    @Test
    void aStallOfTheJvmGivesUpAnOlderUndecidedOneToKeepStallsInOrder() {
        StallDetector detector = detector(true);
        wakeLate(detector, 0);
        wakeLate(detector, 3 * MS);
        long deadline = wake + INTERVAL;
        safepointCount++;
        assertEquals(deadline + 40 * MS, wakeLate(detector, 40 * MS));
        assertEquals(40 * MS, stalls.overlap(0, wake));
    }

    @Test
    void withoutCountersEveryLateWakeIsAStall() {
        StallDetector detector = detector(false);
        wakeLate(detector, 0);
        long deadline = wake + INTERVAL;
        assertEquals(deadline + 7 * MS, wakeLate(detector, 7 * MS));
        assertEquals(7 * MS, stalls.overlap(0, wake));
        assertEquals(wake + INTERVAL + INTERVAL / 2, wakeLate(detector, INTERVAL / 2));
        assertEquals(7 * MS, stalls.overlap(0, wake), "less than an interval late is no stall");
    }
}
