package io.tailwatch.collector.table;

import io.tailwatch.collector.scrape.Snapshot;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The snapshots of one target that cover the last {@code length}: the newest, and back to the
 * newest that is at least {@code length} older than it, so that the window spans the whole length
 * once there is that much history.
 */
public final class SlidingWindow {

    private final long lengthNanos;
    private final Deque<Snapshot> snapshots = new ArrayDeque<>();

    public SlidingWindow(Duration length) {
        this.lengthNanos = length.toNanos();
    }

    public synchronized void add(Snapshot snapshot) {
        snapshots.addLast(snapshot);
        while (snapshots.size() > 2) {
            Snapshot second = snapshots.stream().skip(1).findFirst().orElseThrow();
            if (snapshot.nanoTime() - second.nanoTime() < lengthNanos) {
                break;
            }
            snapshots.removeFirst();
        }
    }

    public synchronized Window window() {
        return new Window(java.util.List.copyOf(snapshots));
    }
}
