package io.tailwatch.agent.instrumentation.jetty9;

import io.tailwatch.agent.recording.ServerRequest;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The requests in flight on Jetty 9.4 channels whose classes were loaded before the agent, where
 * no field can be added to the channel: a table of slots keyed by the channel's identity. Jetty
 * 9.4 keeps one {@code HttpChannel} per HTTP/1 connection, reused for each of its requests, and a
 * request's events come on several threads (parsed on one, completed on another after
 * {@code AsyncContext.complete()}), so a per-thread object cannot carry it.
 *
 * <p>A channel claims a free slot in a small window of the table, starting where its identity
 * hash falls, when its request begins, and gives it back when the request ends; the slot's
 * {@link Slot} (and its {@link ServerRequest}) is created by the first channel that claims it and
 * reused by every later one, so once the table is warm no request allocates. A lookup compares
 * identities in that window: no hashing of a fresh key, no lock.
 *
 * <p>Threads: slots are claimed and given back by compare-and-set of their owner. The fields of a
 * slot are written by the threads that run its owner's request, one at a time: Jetty hands the
 * request from one to the next under its own locks, which orders those writes. A request that
 * finds its whole window taken by other channels' requests in flight (many thousands at once) is
 * not measured; {@link #claim} returns null then.
 */
final class Jetty9InFlight {
    /** What the table holds for a request in flight. */
    static final class Slot {
        final ServerRequest request = new ServerRequest();
        /** The first exception the channel handled for the request, or null. */
        Throwable failure;
        /** Whether a thread has started to run the request ({@code HttpChannel.handle}). */
        boolean dispatched;
    }

    private final int mask;
    private final int window;
    private final AtomicReferenceArray<Object> owners;
    private final AtomicReferenceArray<Slot> slots;

    /** @param size the number of slots, a power of two; {@code window} the slots a channel may probe */
    Jetty9InFlight(int size, int window) {
        if (Integer.bitCount(size) != 1 || window < 1 || window > size) {
            throw new IllegalArgumentException(size + " slots, window " + window);
        }
        this.mask = size - 1;
        this.window = window;
        this.owners = new AtomicReferenceArray<>(size);
        this.slots = new AtomicReferenceArray<>(size);
    }

    /** The slot {@code channel} holds, or a free one it now holds; null when its window is full. */
    Slot claim(Object channel) {
        int start = start(channel);
        for (int i = 0; i < window; i++) {
            int index = (start + i) & mask;
            if (owners.get(index) == channel) {
                return slot(index);
            }
        }
        for (int i = 0; i < window; i++) {
            int index = (start + i) & mask;
            if (owners.get(index) == null && owners.compareAndSet(index, null, channel)) {
                Slot slot = slot(index);
                slot.failure = null;
                slot.dispatched = false;
                return slot;
            }
        }
        return null;
    }

    /** The slot {@code channel} holds, or null. */
    Slot find(Object channel) {
        int start = start(channel);
        for (int i = 0; i < window; i++) {
            int index = (start + i) & mask;
            if (owners.get(index) == channel) {
                return slots.get(index);
            }
        }
        return null;
    }

    /** Gives back the slot {@code channel} holds, if any. */
    void release(Object channel) {
        int start = start(channel);
        for (int i = 0; i < window; i++) {
            int index = (start + i) & mask;
            if (owners.get(index) == channel) {
                slots.get(index).failure = null;
                owners.compareAndSet(index, channel, null);
                return;
            }
        }
    }

    private Slot slot(int index) {
        Slot slot = slots.get(index);
        if (slot == null) {
            slot = new Slot();
            slots.set(index, slot);
        }
        return slot;
    }

    private static int start(Object channel) {
        int h = System.identityHashCode(channel);
        return h ^ (h >>> 16);
    }
}
