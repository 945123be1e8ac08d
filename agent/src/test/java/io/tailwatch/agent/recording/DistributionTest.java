package io.tailwatch.agent.recording;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DistributionTest {
    @Test
    void recordedValuesAppearOnlyAfterHarvest() {
        Distribution d = Distribution.ofNanos();
        d.record(1000);
        d.record(2000);
        assertEquals(0, d.cumulative().getTotalCount());
        assertEquals(3000, d.sum());

        assertEquals(2, d.harvest(null));
        assertEquals(2, d.cumulative().getTotalCount());
        assertEquals(1, d.cumulative().getCountAtValue(1000));
        assertEquals(1, d.cumulative().getCountAtValue(2000));
    }

    @Test
    void cumulativeKeepsEverythingAndIntervalOnlyTheNew() {
        Distribution d = Distribution.ofNanos();
        d.record(10_000);
        d.harvest(null);
        assertEquals(0, d.harvest(null));
        assertEquals(1, d.cumulative().getTotalCount());

        d.record(20_000);
        d.record(30_000);
        SlidingWindow onlyNew = d.newWindow(60_000_000_000L);
        onlyNew.advance(0);
        assertEquals(2, d.harvest(onlyNew));
        Histogram interval = onlyNew.snapshot();
        assertEquals(2, interval.getTotalCount());
        assertEquals(0, interval.getCountAtValue(10_000));
        assertEquals(3, d.cumulative().getTotalCount());
        assertEquals(60_000, d.sum());
    }

    @Test
    void sumIsExactWhereTheHistogramIsNot() {
        Distribution d = Distribution.ofNanos();
        d.record(123_456_789L);
        d.record(987_654_321L);
        d.record(1);
        d.harvest(null);
        assertEquals(123_456_789L + 987_654_321L + 1, d.sum());
        assertEquals(3, d.cumulative().getTotalCount());
    }

    @Test
    void negativeValuesAreRecordedAsZero() {
        Distribution d = Distribution.ofNanos();
        d.record(-5);
        d.record(Long.MIN_VALUE);
        d.record(7_000);
        d.harvest(null);
        assertEquals(3, d.cumulative().getTotalCount());
        assertEquals(2, d.cumulative().getCountAtValue(0));
        assertEquals(0, d.cumulative().getMinValue());
        assertEquals(7_000, d.sum());
    }

    @Test
    void valuesFromManyThreadsLandInOneCumulativeHistogram() throws InterruptedException {
        Distribution d = Distribution.ofNanos();
        Thread[] threads = new Thread[Distribution.STRIPES * 2];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> d.record(5_000));
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(threads.length, d.harvest(null));
        assertEquals(threads.length, d.cumulative().getCountAtValue(5_000));
    }

    @Test
    void valuesBeyondTheRangeAreClampedNotLost() {
        Distribution d = Distribution.ofNanos();
        d.record(Long.MAX_VALUE);
        d.harvest(null);
        assertEquals(1, d.cumulative().getTotalCount());
        assertEquals(3_600_000_000_000L, d.sum());
    }

    @Test
    void largeValuesAreRecorded() {
        Distribution d = Distribution.ofNanos();
        long hour = 3_600_000_000_000L;
        d.record(hour);
        d.harvest(null);
        assertEquals(1, d.cumulative().getTotalCount());
        assertEquals(hour, d.sum());
        assertEquals(true, d.cumulative().valuesAreEquivalent(hour, d.cumulative().getMaxValue()));
    }
}
