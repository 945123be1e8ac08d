package io.tailwatch.agent.recording;

import java.util.concurrent.atomic.LongAdder;

/**
 * A Prometheus histogram of one label set, counted exactly at record time: one counter per
 * configured upper bound plus one for {@code +Inf}, and the exact sum. A few hundred bytes, so that a
 * thousand label sets stay small; quantiles come from the instance-wide {@link Distribution}.
 *
 * <p>{@link #record} is lock-free and, once a counter has spread its cells under contention,
 * allocation-free from any thread ({@link LongAdder}s, so that threads on different cores do not
 * fight over one cache line). Readers see each counter exactly; counters read while requests are
 * recorded may be a request apart from each other.
 */
public final class BucketCounts {
    private final long[] bounds;
    private final LongAdder[] counts;
    private final LongAdder sum = new LongAdder();

    /** @param bounds upper bounds, ascending, inclusive (a value equal to a bound counts in it) */
    public BucketCounts(long[] bounds) {
        this.bounds = bounds;
        this.counts = new LongAdder[bounds.length + 1];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void record(long value) {
        long v = Math.max(0, value);
        counts[bucketOf(v)].increment();
        sum.add(v);
    }

    /** Index of the first bound at least {@code v}, or {@code bounds.length} for {@code +Inf}. */
    private int bucketOf(long v) {
        int low = 0;
        int high = bounds.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (bounds[mid] < v) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Cumulative counts per bound, then the total (the {@code +Inf} bucket, which is the count). */
    public long[] cumulativeCounts() {
        long[] cumulative = new long[counts.length];
        long running = 0;
        for (int i = 0; i < cumulative.length; i++) {
            running += counts[i].sum();
            cumulative[i] = running;
        }
        return cumulative;
    }

    public long sum() {
        return sum.sum();
    }
}
