package io.tailwatch.agent.jvm;

/**
 * The time spans of generational ZGC's recent minor collections, so that a major collection's pause
 * gets the label of the bean that counted it.
 *
 * <p>HotSpot (JDK 21 and later) picks the bean for a ZGC pause, {@code ZGC Minor Pauses} or
 * {@code ZGC Major Pauses}, by whether a minor collection is running at that moment, not by the
 * collection the pause belongs to. The old generation's marking runs beside minor collections, so
 * one of its pauses ({@code Pause Mark End}) can fall inside a minor collection: JFR gives it the
 * major collection's {@code gcId}, and the beans count it as minor. Labelling such a pause as minor
 * keeps {@code tailwatch_gc_pause_seconds} and {@code jvm_gc_duration_seconds} on the same counts.
 *
 * <p>Only the JFR stream's thread uses an instance. It keeps the last {@link #CAPACITY} minor
 * collections: a major collection reports its pauses when it ends, and far fewer minor collections
 * than that end during one major collection.
 */
final class ZgcMinorWindows {
    static final int CAPACITY = 64;

    private final long[] starts = new long[CAPACITY];
    private final long[] ends = new long[CAPACITY];
    private int next;
    private int size;

    /** A minor collection from {@code startNanos} to {@code endNanos} (nanoseconds since the epoch). */
    void minorCollection(long startNanos, long endNanos) {
        starts[next] = startNanos;
        ends[next] = endNanos;
        next = (next + 1) % CAPACITY;
        size = Math.min(size + 1, CAPACITY);
    }

    /** Whether a pause starting at {@code pauseStartNanos} fell inside one of the kept minor collections. */
    boolean duringMinor(long pauseStartNanos) {
        for (int i = 0; i < size; i++) {
            if (pauseStartNanos >= starts[i] && pauseStartNanos <= ends[i]) {
                return true;
            }
        }
        return false;
    }
}
