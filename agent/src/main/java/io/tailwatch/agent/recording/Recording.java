package io.tailwatch.agent.recording;

import java.util.function.Consumer;

/**
 * The agent's recorders, and the one lock under which they are harvested and read.
 *
 * <p>Instrumentation finds the installed instance through {@link #current()} (a volatile read); before
 * {@link #install} it is null and instrumentation records nothing. Harvesting moves each recorder's
 * interval histogram into its cumulative histogram and sliding window; it runs on a timer and before
 * every read, under {@link #read}'s lock, so readers always see every request finished before the call.
 */
public final class Recording {
    private static volatile Recording current;

    private final HttpServerRecorder http;
    private final ConnectionRecorder connections = new ConnectionRecorder();
    private final WorkerPools pools = new WorkerPools();
    private final InstrumentationStatus instrumentations = new InstrumentationStatus();
    private final Object harvestLock = new Object();

    /** @param durationBoundsNanos bucket bounds of the request-duration histograms, ascending */
    public Recording(int maxSeries, long windowNanos, long[] durationBoundsNanos) {
        this.http = new HttpServerRecorder(maxSeries, windowNanos, durationBoundsNanos);
    }

    public static Recording current() {
        return current;
    }

    public static void install(Recording recording) {
        current = recording;
    }

    public HttpServerRecorder http() {
        return http;
    }

    public ConnectionRecorder connections() {
        return connections;
    }

    public WorkerPools pools() {
        return pools;
    }

    public InstrumentationStatus instrumentations() {
        return instrumentations;
    }

    /** Harvests now; called by the agent's timer so that sliding windows advance without scrapes. */
    public void harvest() {
        synchronized (harvestLock) {
            harvestLocked(System.nanoTime());
        }
    }

    /** Harvests, then lets {@code reader} read the recorders' reader side while no harvest can run. */
    public void read(Consumer<Recording> reader) {
        synchronized (harvestLock) {
            harvestLocked(System.nanoTime());
            reader.accept(this);
        }
    }

    private void harvestLocked(long nowNanos) {
        http.harvest(nowNanos);
        connections.harvest();
    }
}
