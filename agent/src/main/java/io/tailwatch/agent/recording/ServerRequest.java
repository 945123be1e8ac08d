package io.tailwatch.agent.recording;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One request's measurement on an instrumented HTTP server, kept in a field the instrumentation adds
 * to the server's own request or exchange object. Servers that recycle their request objects reuse
 * it: {@link #begin} starts the next measurement once {@link #end} has recorded the previous one, so
 * the request path allocates nothing.
 *
 * <p>Exactly once: {@link #end} records only if it moves the request from in flight to done (a
 * compare-and-set), so a response that completes on one thread while a timeout or the connection's
 * close ends it on another is still counted once. A {@code begin} that finds the previous
 * measurement never ended records that one first, as failed without a status: a request the agent
 * lost track of is still counted.
 *
 * <p>Threads: the fields are written by the thread that begins the request, before the volatile
 * write of the state, and by threads the server hands the request to; {@code end} reads them after
 * its compare-and-set. Never throws on the request path.
 */
public final class ServerRequest {
    private static final int IDLE = 0;
    private static final int IN_FLIGHT = 1;
    private static final AtomicIntegerFieldUpdater<ServerRequest> STATE =
            AtomicIntegerFieldUpdater.newUpdater(ServerRequest.class, "state");

    private volatile int state;
    private HttpServerRecorder http;
    private ServerConnection connection;
    private long arrivalNanos;
    private boolean handlerStarted;
    private boolean handedOff;
    private int methodIndex;
    private long requestBodyBytes;
    private int status;
    private long responseBodyBytes;
    private String errorClass;
    private String route;

    /**
     * The server holds a new request and has parsed its request line and headers.
     *
     * @param connection       the connection it came on, or null if the server's connections are not tracked
     * @param arrivalNanos     when the server had the request (see {@link ServerConnection#arrival()})
     * @param method           the request method as sent
     * @param requestBodyBytes its Content-Length, or -1 if unknown
     * @return false if the agent is not recording (nothing else need be called then)
     */
    public boolean begin(ServerConnection connection, long arrivalNanos, String method, long requestBodyBytes) {
        Recording r = Recording.current();
        if (r == null) {
            return false;
        }
        begin(r.http(), connection, arrivalNanos, HttpMethods.indexOf(method), requestBodyBytes);
        return true;
    }

    /**
     * As {@link #begin(ServerConnection, long, String, long)}, into a given recorder, with the
     * method as an {@link HttpMethods} index.
     */
    public void begin(HttpServerRecorder http, ServerConnection connection, long arrivalNanos, int methodIndex,
                      long requestBodyBytes) {
        if (state == IN_FLIGHT) {
            end(arrivalNanos);
        }
        this.http = http;
        this.connection = connection;
        this.arrivalNanos = arrivalNanos;
        this.handlerStarted = false;
        this.handedOff = false;
        this.methodIndex = methodIndex;
        this.requestBodyBytes = requestBodyBytes >= 0 ? requestBodyBytes : -1;
        this.status = 0;
        this.responseBodyBytes = 0;
        this.errorClass = null;
        this.route = null;
        if (connection != null) {
            connection.requestStarted(arrivalNanos);
        }
        http.requestBegan();
        state = IN_FLIGHT;
    }

    /**
     * A thread starts to handle the request: records the time it waited since its arrival. Only
     * the first call of a request counts.
     */
    public void handlerStarted(long nowNanos) {
        if (state == IN_FLIGHT && !handlerStarted) {
            handlerStarted = true;
            http.recordQueue(Math.max(0, nowNanos - arrivalNanos));
        }
    }

    /**
     * The thread running the request's handler on an event loop hands it on to a worker pool's queue
     * (Vert.x's {@code executeBlocking}, a Reactor scheduler) before it started: the request waits
     * for a worker as it would for a thread-pool server's, so its handler starts when a worker takes
     * it ({@link #handlerStarted}), not when the event loop's run returns. An instrumentation that
     * marks the start at the end of that run asks {@link #handedOff()} first. Called by the thread
     * that handles the request, before the worker can run.
     */
    public void handOff() {
        if (state == IN_FLIGHT && !handlerStarted) {
            handedOff = true;
        }
    }

    /** Whether {@link #handOff} was called for the current request. */
    public boolean handedOff() {
        return handedOff;
    }

    /** The status code of the response (the last one set before {@link #end} counts). */
    public void status(int code) {
        status = code;
    }

    public void responseBodyWritten(long bytes) {
        if (bytes > 0 && responseBodyBytes >= 0) {
            responseBodyBytes += bytes;
        }
    }

    /** The response body is not measured for this request (the server wrote the response itself). */
    public void responseBodyUnmeasured() {
        responseBodyBytes = -1;
    }

    /**
     * The handler threw; the first exception of a request becomes its {@code error_type}. A bare
     * {@code ServletException} that only carries another exception to the container (Spring MVC
     * wraps every handler exception it cannot resolve in one) stands for its cause, as in
     * OpenTelemetry: the cause is what the application threw.
     */
    public void threw(Throwable error) {
        if (state == IN_FLIGHT && errorClass == null && error != null) {
            errorClass = errorType(error);
        }
    }

    static String errorType(Throwable error) {
        Throwable e = error;
        for (int depth = 0; depth < 8 && isServletWrapper(e); depth++) {
            e = e.getCause();
        }
        return e.getClass().getName();
    }

    /** Only the exact class: its subclasses (UnavailableException, Spring's binding exceptions) say something of their own. */
    private static boolean isServletWrapper(Throwable e) {
        Throwable cause = e.getCause();
        if (cause == null || cause == e) {
            return false;
        }
        String name = e.getClass().getName();
        return name.equals("jakarta.servlet.ServletException") || name.equals("javax.servlet.ServletException");
    }

    /**
     * The route template the framework matched, such as {@code /owners/{ownerId}}; the last one set
     * counts (an error dispatch may match another). Only templates the framework defines may be
     * passed, never a raw path: they become the {@code http_route} label.
     */
    public void route(String template) {
        if (state == IN_FLIGHT) {
            route = template;
        }
    }

    /**
     * As {@link #route}, but only if the request has no route yet: the first dispatch that matches
     * names the request, and a later one (a forward, an include, an async dispatch) does not rename
     * it, as in OpenTelemetry.
     */
    public void routeIfAbsent(String template) {
        if (state == IN_FLIGHT && route == null) {
            route = template;
        }
    }

    /**
     * The response is complete (or the request failed): records it unless it was already recorded.
     *
     * @return whether this call recorded it
     */
    public boolean end(long nowNanos) {
        if (!STATE.compareAndSet(this, IN_FLIGHT, IDLE)) {
            return false;
        }
        try {
            http.recordRequest(methodIndex, status, errorClass, route, arrivalNanos, nowNanos, requestBodyBytes, responseBodyBytes);
        } finally {
            http.requestEnded();
        }
        if (connection != null) {
            connection.requestEnded(nowNanos);
        }
        return true;
    }

    public boolean inFlight() {
        return state == IN_FLIGHT;
    }

    /** Whether the handler threw ({@link #threw}) in the current request. */
    public boolean failed() {
        return errorClass != null;
    }

    public long arrivalNanos() {
        return arrivalNanos;
    }

    /** The current thread's allocated-bytes counter, -1 where unmeasured; pass it to {@link #handlerReturned}. */
    public static long allocationMark() {
        return ThreadAllocation.currentThreadAllocatedBytes();
    }

    /**
     * The thread that took {@code mark} returns from handling a request: records what it allocated
     * meanwhile. Nothing is recorded where the counter is unavailable (virtual threads give -1).
     */
    public static void handlerReturned(long mark) {
        Recording r = Recording.current();
        if (r == null || mark < 0) {
            return;
        }
        long now = ThreadAllocation.currentThreadAllocatedBytes();
        if (now >= mark) {
            r.http().recordAllocation(now - mark);
        }
    }
}
