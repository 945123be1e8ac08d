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

        Histogram interval = d.harvest();
        assertEquals(2, interval.getTotalCount());
        assertEquals(2, d.cumulative().getTotalCount());
        assertEquals(1, d.cumulative().getCountAtValue(1000));
        assertEquals(1, d.cumulative().getCountAtValue(2000));
    }

    @Test
    void cumulativeKeepsEverythingAndIntervalOnlyTheNew() {
        Distribution d = Distribution.ofNanos();
        d.record(10_000);
        d.harvest();
        assertEquals(0, d.harvest().getTotalCount());
        assertEquals(1, d.cumulative().getTotalCount());

        d.record(20_000);
        d.record(30_000);
        Histogram interval = d.harvest();
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
        d.harvest();
        assertEquals(123_456_789L + 987_654_321L + 1, d.sum());
        assertEquals(3, d.cumulative().getTotalCount());
    }

    @Test
    void negativeValuesAreRecordedAsZero() {
        Distribution d = Distribution.ofNanos();
        d.record(-5);
        d.record(Long.MIN_VALUE);
        d.record(7_000);
        d.harvest();
        assertEquals(3, d.cumulative().getTotalCount());
        assertEquals(2, d.cumulative().getCountAtValue(0));
        assertEquals(0, d.cumulative().getMinValue());
        assertEquals(7_000, d.sum());
    }

    @Test
    void valuesBeyondTheRangeAreClampedNotLost() {
        Distribution d = Distribution.ofNanos();
        d.record(Long.MAX_VALUE);
        d.harvest();
        assertEquals(1, d.cumulative().getTotalCount());
        assertEquals(3_600_000_000_000L, d.sum());
    }

    @Test
    void largeValuesAreRecorded() {
        Distribution d = Distribution.ofNanos();
        long hour = 3_600_000_000_000L;
        d.record(hour);
        d.harvest();
        assertEquals(1, d.cumulative().getTotalCount());
        assertEquals(hour, d.sum());
        assertEquals(true, d.cumulative().valuesAreEquivalent(hour, d.cumulative().getMaxValue()));
    }
}
