package io.tailwatch.agent.recording;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/**
 * A distribution of non-negative values (nanoseconds, bytes, counts) recorded by any number of
 * threads and accumulated since start: HdrHistogram {@link Recorder}s with a fixed range and two
 * significant digits, plus a {@link LongAdder} for the exact sum.
 *
 * <p>Writers call {@link #record(long)}: lock-free and allocation-free. A writer records into one
 * of {@link #STRIPES} recorders chosen by its thread id, so that threads on different cores rarely
 * contend for the recorders' shared counters (one shared recorder made a request cost about six
 * times as much with two threads on two cores). The recorders' range is
 * fixed and values beyond it are clamped to its highest value, so it never resizes. (HdrHistogram's
 * packed concurrent recorder, compact but resizing, can leave two concurrent writers spinning
 * forever in 2.2.2; it is used only for single-threaded storage here.) A recorder costs about 50 KB,
 * so there is one per instance-wide distribution, not one per label set: see {@link BucketCounts}.
 *
 * <p>The reader side ({@link #harvest()}, {@link #cumulative()}) must be called by one thread at a
 * time; {@link Recording} guarantees that by holding its harvest lock.
 */
public final class Distribution {
    /** Two significant digits: bucket boundaries and quantiles within 1 %. */
    static final int SIGNIFICANT_DIGITS = 2;

    /** Recorders per distribution: a power of two, twice the processors (at least 2, at most 16). */
    static final int STRIPES = Math.min(16, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1) << 1);

    private final long lowest;
    private final long highest;
    private final Recorder[] recorders = new Recorder[STRIPES];
    private final Histogram[] intervals = new Histogram[STRIPES];
    private final LongAdder sum = new LongAdder();
    private final Histogram cumulative;

    private Distribution(long lowestDiscernible, long highestTrackable) {
        this.lowest = lowestDiscernible;
        this.highest = highestTrackable;
        for (int i = 0; i < STRIPES; i++) {
            recorders[i] = new Recorder(lowestDiscernible, highestTrackable, SIGNIFICANT_DIGITS);
        }
        this.cumulative = new PackedHistogram(lowestDiscernible, highestTrackable, SIGNIFICANT_DIGITS);
    }

    /** Durations in nanoseconds: 1 µs resolution, up to one hour. */
    public static Distribution ofNanos() {
        return new Distribution(1_000, 3_600_000_000_000L);
    }

    /** Sizes in bytes, up to 1 TiB. */
    public static Distribution ofBytes() {
        return new Distribution(1, 1L << 40);
    }

    /** Counts, up to a billion. */
    public static Distribution ofCounts() {
        return new Distribution(1, 1_000_000_000L);
    }

    /** Records one value; negative values (a clock that stepped back) count as zero, larger than the range as its top. */
    public void record(long value) {
        long v = value < 0 ? 0 : Math.min(value, highest);
        // The sum first: a value a harvest finds is then always in the sum read after it (see sum()).
        sum.add(v);
        recorders[(int) Thread.currentThread().getId() & (STRIPES - 1)].recordValue(v);
    }

    /**
     * Moves what was recorded since the last harvest into the cumulative histogram and, if given,
     * into {@code window} (advanced by the caller). Reader thread only.
     *
     * @return how many values were harvested
     */
    long harvest(SlidingWindow window) {
        long count = 0;
        for (int i = 0; i < STRIPES; i++) {
            Histogram interval = recorders[i].getIntervalHistogram(intervals[i]);
            intervals[i] = interval;
            count += interval.getTotalCount();
            cumulative.add(interval);
            if (window != null) {
                window.add(interval);
            }
        }
        return count;
    }

    /** A new, empty window over values of this distribution's range. */
    SlidingWindow newWindow(long windowNanos) {
        return new SlidingWindow(windowNanos, lowest, highest);
    }

    /** Everything harvested since start. Reader thread only; do not modify. */
    public Histogram cumulative() {
        return cumulative;
    }

    /**
     * The exact sum of recorded values. It is read without a lock, so during recording it may
     * include values not yet harvested into {@link #cumulative()}; read after a harvest, it always
     * includes every value that harvest found.
     */
    public long sum() {
        return sum.sum();
    }
}
