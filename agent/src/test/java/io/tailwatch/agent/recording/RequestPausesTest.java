package io.tailwatch.agent.recording;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RequestPausesTest {
    private static final long MS = 1_000_000;

    private Stalls stalls;
    private RequestPauses pauses;

    @BeforeEach
    void meterTicksEveryMillisecond() {
        stalls = new Stalls();
        stalls.watchedBy(MS, MS);
        stalls.watched(100 * MS);
        pauses = new RequestPauses(stalls);
    }

    private long lostCount() {
        pauses.harvest();
        return pauses.lost().cumulative().getTotalCount();
    }

    @Test
    void aRequestOverlappingAPublishedStallIsCountedWhenItEnds() {
        stalls.publish(90 * MS, 95 * MS);
        assertEquals(3 * MS, pauses.ended(92 * MS, 100 * MS));
        assertEquals(1, pauses.paused());
        assertEquals(3 * MS, pauses.lost().sum());
        assertEquals(0, pauses.ended(96 * MS, 100 * MS), "after the stall");
        assertEquals(1, pauses.paused());
    }

    @Test
    void aRequestEndingBeforeTheMeterReportsItsStallIsCountedOnceAfterTheReport() {
        // The JVM stops from 101 to 150 ms; a request ends at 150.2 ms, before the meter wakes at 150.5 ms.
        assertEquals(0, pauses.ended(99 * MS, 150 * MS + 200_000));
        assertEquals(0, pauses.paused());
        stalls.publish(101 * MS, 150 * MS + 500_000);
        stalls.watched(150 * MS + 500_000);
        pauses.resolveDeferred(150 * MS + 500_000);
        assertEquals(1, pauses.paused());
        assertEquals(49 * MS + 200_000, pauses.lost().sum());
        pauses.resolveDeferred(151 * MS);
        assertEquals(1, pauses.paused(), "checked once");
        assertEquals(1, lostCount());
    }

    @Test
    void aDeferredRequestThatNoStallOverlappedIsNotCounted() {
        pauses.ended(99 * MS, 110 * MS);
        stalls.watched(111 * MS);
        pauses.resolveDeferred(111 * MS);
        assertEquals(0, pauses.paused());
        assertEquals(0, lostCount());
    }

    @Test
    void aDeferredRequestThatEndedAfterTheReportWaitsForTheNext() {
        pauses.ended(99 * MS, 130 * MS);
        stalls.publish(105 * MS, 120 * MS);
        pauses.resolveDeferred(120 * MS);
        assertEquals(0, pauses.paused(), "ended after the report the meter made");
        stalls.watched(131 * MS);
        pauses.resolveDeferred(131 * MS);
        assertEquals(1, pauses.paused());
        assertEquals(15 * MS, pauses.lost().sum());
    }

    @Test
    void aRequestEndingWithinTwoIntervalsOfTheMeterReportIsFinalAtOnce() {
        // What it can miss is the part of a stall within those two intervals: at most one interval of stall.
        pauses.ended(99 * MS, 101 * MS);
        stalls.publish(100 * MS + 500_000, 101 * MS + 500_000);
        pauses.resolveDeferred(102 * MS);
        assertEquals(0, pauses.paused(), "not deferred, so not counted for the 0.5 ms it overlapped");
    }

    @Test
    void whenTheQueueIsFullTheRestIsCountedAsUnchecked() {
        for (int i = 0; i < RequestPauses.DEFERRED + 5; i++) {
            pauses.ended(99 * MS, 200 * MS);
        }
        assertEquals(5, pauses.unchecked());
        stalls.publish(150 * MS, 160 * MS);
        pauses.resolveDeferred(200 * MS);
        assertEquals(RequestPauses.DEFERRED, pauses.paused());
        pauses.ended(99 * MS, 300 * MS);
        assertEquals(5, pauses.unchecked(), "room again once checked");
    }
}
