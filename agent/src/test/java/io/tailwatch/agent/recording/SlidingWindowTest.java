package io.tailwatch.agent.recording;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A window of 6000 ns: six slots of 1000 ns. */
class SlidingWindowTest {
    private static final long WINDOW = 6000;

    private static Histogram values(long... values) {
        Histogram h = new Histogram(Distribution.SIGNIFICANT_DIGITS);
        for (long v : values) {
            h.recordValue(v);
        }
        return h;
    }

    @Test
    void valuesAddedNowAreInTheSnapshot() {
        SlidingWindow w = Distribution.ofNanos().newWindow(WINDOW);
        assertEquals(0, w.snapshot().getTotalCount());
        w.advance(10_000);
        w.add(values(42_000, 43_000));
        assertEquals(2, w.snapshot().getTotalCount());
        assertEquals(1, w.snapshot().getCountAtValue(42_000));
    }

    @Test
    void valuesRemainAfterOneSlotAndUntilTheWindowHasPassed() {
        SlidingWindow w = Distribution.ofNanos().newWindow(WINDOW);
        w.advance(10_000);
        w.add(values(42));
        w.advance(11_000);
        assertEquals(1, w.snapshot().getTotalCount());
        w.advance(15_999);
        assertEquals(1, w.snapshot().getTotalCount());
        w.advance(16_000);
        assertEquals(0, w.snapshot().getTotalCount());
    }

    @Test
    void valuesAreGoneAfterMoreThanTheWindow() {
        SlidingWindow w = Distribution.ofNanos().newWindow(WINDOW);
        w.advance(10_000);
        w.add(values(42));
        w.advance(10_000 + WINDOW + 1000);
        assertEquals(0, w.snapshot().getTotalCount());
    }

    @Test
    void valuesAreGoneAfterAVeryLongPause() {
        SlidingWindow w = Distribution.ofNanos().newWindow(WINDOW);
        w.advance(10_000);
        w.add(values(42));
        w.advance(10_000 + 1_000 * WINDOW);
        assertEquals(0, w.snapshot().getTotalCount());
    }

    @Test
    void onlyTheSlotsThatFellOutAreCleared() {
        SlidingWindow w = Distribution.ofNanos().newWindow(WINDOW);
        w.advance(10_000);
        w.add(values(1));
        w.advance(13_500);
        w.add(values(2));
        assertEquals(2, w.snapshot().getTotalCount());
        w.advance(16_000); // slot 16 reuses slot 10's place
        Histogram s = w.snapshot();
        assertEquals(1, s.getTotalCount());
        assertEquals(1, s.getCountAtValue(2));
        w.add(values(3));
        assertEquals(2, w.snapshot().getTotalCount());
        w.advance(19_000);
        assertEquals(1, w.snapshot().getTotalCount());
        assertEquals(1, w.snapshot().getCountAtValue(3));
    }

    @Test
    void aClockThatStepsBackClearsNothing() {
        SlidingWindow w = Distribution.ofNanos().newWindow(WINDOW);
        w.advance(10_000);
        w.add(values(1));
        w.advance(2_000);
        w.add(values(2));
        assertEquals(2, w.snapshot().getTotalCount());
    }

    @Test
    void negativeTimesWork() {
        SlidingWindow w = Distribution.ofNanos().newWindow(WINDOW);
        w.advance(-10_000);
        w.add(values(1));
        w.advance(-9_000);
        assertEquals(1, w.snapshot().getTotalCount());
        w.advance(-3_000);
        assertEquals(0, w.snapshot().getTotalCount());
    }

    @Test
    void emptyIntervalsAddNothing() {
        SlidingWindow w = Distribution.ofNanos().newWindow(WINDOW);
        w.advance(0);
        w.add(values());
        assertEquals(0, w.snapshot().getTotalCount());
    }
}
