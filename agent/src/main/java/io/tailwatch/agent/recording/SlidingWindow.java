package io.tailwatch.agent.recording;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;

/**
 * Exact quantiles over the recent past: a ring of interval histograms, one per slot of
 * {@code window / SLOTS}. Interval histograms are added to the slot of the moment they are
 * harvested; slots older than the window are cleared as time moves on. Reader thread only.
 */
public final class SlidingWindow {
    static final int SLOTS = 6;

    private final Histogram[] slots = new Histogram[SLOTS];
    private final long slotNanos;
    private final Histogram merged;
    private long currentSlot = Long.MIN_VALUE;

    /** A window over values from {@code lowest} to {@code highest}; see {@link Distribution#newWindow}. */
    SlidingWindow(long windowNanos, long lowest, long highest) {
        this.slotNanos = Math.max(1, windowNanos / SLOTS);
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new PackedHistogram(lowest, highest, Distribution.SIGNIFICANT_DIGITS);
        }
        merged = new PackedHistogram(lowest, highest, Distribution.SIGNIFICANT_DIGITS);
    }

    /** Moves the window to {@code nowNanos}, clearing the slots that fell out of it. */
    void advance(long nowNanos) {
        long slot = Math.floorDiv(nowNanos, slotNanos);
        if (currentSlot == Long.MIN_VALUE || slot - currentSlot >= SLOTS) {
            for (Histogram h : slots) {
                h.reset();
            }
        } else {
            for (long s = currentSlot + 1; s <= slot; s++) {
                slots[(int) Math.floorMod(s, SLOTS)].reset();
            }
        }
        if (slot > currentSlot || currentSlot == Long.MIN_VALUE) {
            currentSlot = slot;
        }
    }

    /** Adds an interval histogram to the current slot; call {@link #advance} first. */
    void add(Histogram interval) {
        if (interval.getTotalCount() > 0) {
            slots[(int) Math.floorMod(currentSlot, SLOTS)].add(interval);
        }
    }

    /** All slots merged; valid until the next call. */
    public Histogram snapshot() {
        merged.reset();
        for (Histogram h : slots) {
            merged.add(h);
        }
        return merged;
    }
}
