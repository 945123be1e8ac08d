package io.tailwatch.agent.export;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Turns an HdrHistogram into Prometheus buckets at scrape time. A recorded value is counted in the
 * first bucket whose bound is at least the lowest value of its HdrHistogram sub-bucket, so a value
 * within the histogram's precision (1 %) above a bound may be counted in that bound's bucket.
 */
final class HistogramBuckets {
    private HistogramBuckets() {
    }

    /**
     * @param bounds upper bounds in the histogram's unit, ascending
     * @return cumulative counts per bound, followed by the total count (the {@code +Inf} bucket)
     */
    static long[] cumulativeCounts(Histogram histogram, long[] bounds) {
        long[] counts = new long[bounds.length + 1];
        for (HistogramIterationValue v : histogram.recordedValues()) {
            long lowest = histogram.lowestEquivalentValue(v.getValueIteratedTo());
            int i = 0;
            while (i < bounds.length && lowest > bounds[i]) {
                i++;
            }
            counts[i] += v.getCountAtValueIteratedTo();
        }
        for (int i = 1; i < counts.length; i++) {
            counts[i] += counts[i - 1];
        }
        return counts;
    }
}
