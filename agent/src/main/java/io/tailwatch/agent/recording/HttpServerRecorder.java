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
 *
 * <p>The active-requests gauge a scrape shows is {@link #activeBeside(long)}: the requests begun,
 * read after the series, less those the scrape found in the series. A request is active in a scrape
 * exactly when it is not in that scrape's counts, so a reader that waits for no active request finds
 * every request counted, and one that waits for a count finds no request still active.
 */
public final class HttpServerRecorder {
    private final RequestSeriesTable series;
    private final Distribution durations = Distribution.ofNanos();
    private final Distribution queue = Distribution.ofNanos();
    private final Distribution allocated = Distribution.ofBytes();
    private final LongAdder began = new LongAdder();
    private final LongAdder ended = new LongAdder();
    private final SlidingWindow durationWindow;
    private final SlidingWindow queueWindow;
    private final RequestPauses pauses;
    private volatile SlowRequests slowRequests;

    /** @param durationBoundsNanos bucket bounds of the per-label-set duration histograms */
    public HttpServerRecorder(int maxSeries, long windowNanos, long[] durationBoundsNanos) {
        this(maxSeries, windowNanos, durationBoundsNanos, new Stalls());
    }

    /** @param stalls the JVM's stalls, against which each request is checked when it ends */
    public HttpServerRecorder(int maxSeries, long windowNanos, long[] durationBoundsNanos, Stalls stalls) {
        this.series = new RequestSeriesTable(maxSeries, durationBoundsNanos);
        this.durationWindow = durations.newWindow(windowNanos);
        this.queueWindow = queue.newWindow(windowNanos);
        this.pauses = new RequestPauses(stalls);
    }

    /** A request has been read and is now being handled. */
    public void requestBegan() {
        began.increment();
    }

    /** A request that {@link #requestBegan() began} has ended, successfully or not. */
    public void requestEnded() {
        ended.increment();
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

    /**
     * As above, for a request the framework matched to a route template ({@code null} if none).
     * Without the request's end, it reads the clock once more to check the request against the
     * JVM's stalls: callers that have the end should pass it (the overload below).
     */
    public void recordRequest(int methodIndex, int status, String errorClass, String route, long durationNanos,
                              long requestBodyBytes, long responseBodyBytes) {
        long end = System.nanoTime();
        recordRequest(methodIndex, status, errorClass, route, end - durationNanos, end, requestBodyBytes, responseBodyBytes);
    }

    /**
     * Records one finished request that ran from {@code startNanos} to {@code endNanos}
     * ({@link System#nanoTime()}), and checks it against the JVM's stalls.
     */
    public void recordRequest(int methodIndex, int status, String errorClass, String route, long startNanos, long endNanos,
                              long requestBodyBytes, long responseBodyBytes) {
        long durationNanos = endNanos - startNanos;
        series.series(methodIndex, status, errorClass, route).record(durationNanos, requestBodyBytes, responseBodyBytes);
        durations.record(durationNanos);
        long paused = pauses.ended(startNanos, endNanos);
        SlowRequests slow = slowRequests;
        if (slow != null && durationNanos >= slow.thresholdNanos()) {
            try {
                slow.slowRequest(HttpMethods.name(methodIndex), route, status, durationNanos, paused);
            } catch (Throwable t) {
                AgentErrors.record("slow-request-event", t);
            }
        }
    }

    /** From now on, requests taking at least {@code slow.thresholdNanos()} are also given to {@code slow}. */
    public void reportSlowRequests(SlowRequests slow) {
        slowRequests = slow;
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
        pauses.harvest();
    }

    /** Requests that overlapped stalls of the JVM. */
    public RequestPauses pauses() {
        return pauses;
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

    /** Requests begun and not yet ended, now. */
    public long active() {
        return Math.max(0, began.sum() - ended.sum());
    }

    /**
     * Requests begun and not among {@code recorded}, the requests a reader has just counted in
     * {@link #series()}. Read after the series, so that every request counted there has begun: the
     * gauge and the counts of one scrape agree (see the class comment). Every recorded request was
     * begun first ({@link ServerRequest#end} is the only recorder).
     */
    public long activeBeside(long recorded) {
        return Math.max(0, began.sum() - recorded);
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
