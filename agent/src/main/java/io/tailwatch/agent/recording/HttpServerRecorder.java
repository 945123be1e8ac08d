package io.tailwatch.agent.recording;

import java.util.concurrent.atomic.LongAdder;

/**
 * Records HTTP server requests, whatever the server. Instrumentation calls it from request threads;
 * every method is thread-safe, lock-free and allocation-free on the path of a request that did not
 * throw.
 *
 * <p>A request's duration runs from the moment the server has the request (before it waits for a
 * worker thread) to the end of its response; its queue time from that moment to the start of its
 * handling thread's work.
 */
public final class HttpServerRecorder {
    private final RequestSeriesTable series;
    private final Distribution durations = Distribution.ofNanos();
    private final Distribution queue = Distribution.ofNanos();
    private final Distribution allocated = Distribution.ofBytes();
    private final LongAdder active = new LongAdder();
    private final SlidingWindow durationWindow;
    private final SlidingWindow queueWindow;

    /** @param durationBoundsNanos bucket bounds of the per-label-set duration histograms */
    public HttpServerRecorder(int maxSeries, long windowNanos, long[] durationBoundsNanos) {
        this.series = new RequestSeriesTable(maxSeries, durationBoundsNanos);
        this.durationWindow = durations.newWindow(windowNanos);
        this.queueWindow = queue.newWindow(windowNanos);
    }

    /** A request has been read and is now being handled. */
    public void requestBegan() {
        active.increment();
    }

    /** A request that {@link #requestBegan() began} has ended, successfully or not. */
    public void requestEnded() {
        active.decrement();
    }

    /**
     * Records one finished request.
     *
     * @param status            status code sent to the client, or 0 if none was
     * @param errorClass        class name of the exception the handler threw, or null
     * @param requestBodyBytes  request body size if known (Content-Length), else -1
     * @param responseBodyBytes response body bytes written, or -1 if not measured
     */
    public void recordRequest(int methodIndex, int status, String errorClass, long durationNanos,
                              long requestBodyBytes, long responseBodyBytes) {
        recordRequest(methodIndex, status, errorClass, null, durationNanos, requestBodyBytes, responseBodyBytes);
    }

    /** As above, for a request the framework matched to a route template ({@code null} if none). */
    public void recordRequest(int methodIndex, int status, String errorClass, String route, long durationNanos,
                              long requestBodyBytes, long responseBodyBytes) {
        series.series(methodIndex, status, errorClass, route).record(durationNanos, requestBodyBytes, responseBodyBytes);
        durations.record(durationNanos);
    }

    /** Time a request waited between the server having it and a thread starting to handle it. */
    public void recordQueue(long nanos) {
        queue.record(nanos);
    }

    /** Bytes the handling thread allocated while it handled one request. */
    public void recordAllocation(long bytes) {
        allocated.record(bytes);
    }

    void harvest(long nowNanos) {
        durationWindow.advance(nowNanos);
        durations.harvest(durationWindow);
        queueWindow.advance(nowNanos);
        queue.harvest(queueWindow);
        allocated.harvest(null);
    }

    public RequestSeriesTable series() {
        return series;
    }

    /** Durations of all requests of this instance, whatever their labels. */
    public Distribution durations() {
        return durations;
    }

    public Distribution queue() {
        return queue;
    }

    public Distribution allocated() {
        return allocated;
    }

    public long active() {
        return active.sum();
    }

    /** Durations of all requests over the window. Reader side only. */
    public SlidingWindow durationWindow() {
        return durationWindow;
    }

    /** Queue times over the window. Reader side only. */
    public SlidingWindow queueWindow() {
        return queueWindow;
    }
}
