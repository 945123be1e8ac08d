package io.tailwatch.agent.recording;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/**
 * A distribution of non-negative values (nanoseconds, bytes, counts) recorded by any number of
 * threads and accumulated since start.
 *
 * <p>Writers call {@link #record(long)}: wait-free, lock-free, and allocation-free once the value
 * range has been seen (an HdrHistogram {@link Recorder} plus a {@link LongAdder} for the exact sum).
 * The histograms are packed, so a distribution costs memory in proportion to the values it has
 * actually seen, which keeps a thousand labelled series small.
 *
 * <p>The reader side ({@link #harvest()}, {@link #cumulative()}) must be called by one thread at a
 * time; {@link Recording} guarantees that by holding its harvest lock.
 */
public final class Distribution {
    /** Two significant digits: bucket boundaries and quantiles within 1 %. */
    static final int SIGNIFICANT_DIGITS = 2;

    private final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS, true);
    private final LongAdder sum = new LongAdder();
    private final Histogram cumulative = new PackedHistogram(SIGNIFICANT_DIGITS);
    private Histogram interval;

    /** Records one value; negative values (a clock that stepped back) count as zero. */
    public void record(long value) {
        long v = value < 0 ? 0 : value;
        recorder.recordValue(v);
        sum.add(v);
    }

    /**
     * Moves what was recorded since the last harvest into the cumulative histogram and returns it
     * as an interval histogram, valid until the next call. Reader thread only.
     */
    Histogram harvest() {
        interval = recorder.getIntervalHistogram(interval);
        cumulative.add(interval);
        return interval;
    }

    /** Everything harvested since start. Reader thread only; do not modify. */
    public Histogram cumulative() {
        return cumulative;
    }

    /**
     * The exact sum of recorded values. It is read without a lock, so during recording it may
     * include values not yet harvested into {@link #cumulative()}.
     */
    public long sum() {
        return sum.sum();
    }
}
