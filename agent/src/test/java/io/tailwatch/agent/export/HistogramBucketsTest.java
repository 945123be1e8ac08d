package io.tailwatch.agent.export;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Histograms with two significant digits, as the agent records: values below 1024 are kept to a unit
 * of 4 (from 512), values from 1024 to 2047 to a unit of 8, from 4096 to 8191 to a unit of 32.
 */
class HistogramBucketsTest {
    private static Histogram histogram(long... values) {
        Histogram h = new Histogram(2);
        for (long v : values) {
            h.recordValue(v);
        }
        return h;
    }

    @Test
    void theUnitsThisTestReliesOn() {
        Histogram h = new Histogram(2);
        assertEquals(1000, h.lowestEquivalentValue(1001));
        assertEquals(1004, h.lowestEquivalentValue(1004));
        assertEquals(2000, h.lowestEquivalentValue(2007));
        assertEquals(2008, h.lowestEquivalentValue(2008));
    }

    @Test
    void valuesOnABoundCountInThatBucket() {
        assertArrayEquals(new long[] {1, 2, 2}, HistogramBuckets.cumulativeCounts(histogram(1000, 2000), new long[] {1000, 2000}));
    }

    @Test
    void valuesBetweenBoundsCountInTheNextBucket() {
        long[] counts = HistogramBuckets.cumulativeCounts(histogram(0, 999, 1004, 1500, 2008, 5000), new long[] {1000, 2000});
        assertArrayEquals(new long[] {2, 4, 6}, counts);
    }

    @Test
    void valuesWithinPrecisionAboveABoundCountInThatBound() {
        // 1001 and 2007 share their HdrHistogram sub-bucket with 1000 and 2000.
        long[] counts = HistogramBuckets.cumulativeCounts(histogram(1001, 2007), new long[] {1000, 2000});
        assertArrayEquals(new long[] {1, 2, 2}, counts);
    }

    @Test
    void allTogetherWithRepeatedValues() {
        Histogram h = histogram(0, 1000, 1001, 1004, 1500, 2000, 2007, 2008, 5000);
        h.recordValueWithCount(1500, 9);
        h.recordValueWithCount(100_000, 5);
        long[] counts = HistogramBuckets.cumulativeCounts(h, new long[] {1000, 2000, 4992});
        assertArrayEquals(new long[] {3, 3 + 4 + 9, 3 + 4 + 9 + 2, 3 + 4 + 9 + 2 + 5}, counts);
        assertEquals(h.getTotalCount(), counts[counts.length - 1]);
    }

    @Test
    void emptyHistogram() {
        assertArrayEquals(new long[] {0, 0, 0}, HistogramBuckets.cumulativeCounts(new Histogram(2), new long[] {1, 2}));
    }

    @Test
    void noBoundsIsJustTheTotal() {
        assertArrayEquals(new long[] {3}, HistogramBuckets.cumulativeCounts(histogram(1, 10, 100), new long[] {}));
    }

    @Test
    void everythingAboveTheLastBoundIsOnlyInInf() {
        assertArrayEquals(new long[] {0, 0, 2},
                HistogramBuckets.cumulativeCounts(histogram(10_000, 20_000_000_000L), new long[] {100, 1000}));
    }
}
