package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.recording.ConnectionRecorder;
import io.tailwatch.agent.recording.HttpMethods;
import io.tailwatch.agent.recording.HttpServerRecorder;

/**
 * What tailwatch tracks of one connection of the JDK HTTP server, kept in a field added to
 * {@code sun.net.httpserver.HttpConnection}.
 *
 * <p>The JDK server runs at most one exchange per connection at a time, so the connection also
 * carries the clock of its current request. The request clock starts when the dispatcher thread
 * creates the exchange task for bytes that have arrived ({@link #requestArrived}), before the task
 * waits in the executor's queue; idle time between keep-alive requests is never counted.
 *
 * <p>Threads: {@code requestArrived} runs on the dispatcher; the worker that runs the exchange
 * task is handed the connection through {@code Executor.execute}, and a thread that completes the
 * response later is handed the exchange by the application, so each step happens-after the one
 * before it and plain fields suffice. {@link #closed} may race with a completion on another thread;
 * the {@code inFlight} flag is then best effort, as the request itself was cut short.
 */
public final class JdkHttpConnection {
    private final HttpServerRecorder http;
    private final ConnectionRecorder connections;
    private final long openedNanos;

    private long arrivedNanos;
    private long workerStartNanos;
    private boolean inFlight;
    private int methodIndex;
    private long requestBodyBytes;
    private int status;
    private long responseBodyBytes;
    private String thrown;

    private long requests;
    private boolean setupRecorded;
    private boolean closed;

    JdkHttpConnection(HttpServerRecorder http, ConnectionRecorder connections, long openedNanos) {
        this.http = http;
        this.connections = connections;
        this.openedNanos = openedNanos;
        connections.opened();
    }

    /** Dispatcher thread: bytes of a new request are ready and a task is about to be queued. */
    void requestArrived(long nowNanos) {
        arrivedNanos = nowNanos;
    }

    /**
     * Worker thread: the exchange task starts. The next request's task can start on another worker
     * before this task has returned, so nothing per task is kept here beyond this timestamp, which
     * is only read while this task's request is being read.
     */
    void workerStarted(long nowNanos) {
        workerStartNanos = nowNanos;
    }

    /** Worker thread: the request line and headers were read and a handler is about to run. */
    void requestParsed(String method, long contentLength) {
        startRequest();
        methodIndex = HttpMethods.indexOf(method);
        requestBodyBytes = contentLength >= 0 ? contentLength : -1;
        status = 0;
        responseBodyBytes = 0;
        thrown = null;
        inFlight = true;
        http.requestBegan();
    }

    /** The server answered the request itself (bad request line, no context, ...) and closes. */
    void rejected(int code, String requestLine, long nowNanos) {
        startRequest();
        requests++;
        http.recordRequest(HttpMethods.indexOfRequestLine(requestLine), code, null, nowNanos - arrivedNanos, -1, -1);
    }

    private void startRequest() {
        if (!setupRecorded) {
            setupRecorded = true;
            connections.firstRequest(arrivedNanos - openedNanos);
        }
        http.recordQueue(workerStartNanos - arrivedNanos);
    }

    void responseStatus(int code) {
        status = code;
    }

    void responseBodyWritten(long bytes) {
        responseBodyBytes += bytes;
    }

    /** The last byte of the response has been written: the request is complete. */
    void responseFinished(long nowNanos) {
        if (!inFlight) {
            return;
        }
        inFlight = false;
        requests++;
        http.requestEnded();
        http.recordRequest(methodIndex, status, null, nowNanos - arrivedNanos, requestBodyBytes, responseBodyBytes);
    }

    /** The handler threw; remembered until the server closes the connection or the task ends. */
    void handlerThrew(Throwable t) {
        if (inFlight && thrown == null) {
            thrown = t.getClass().getName();
        }
    }

    /**
     * Worker thread: the exchange task ended, normally or with {@code error}.
     *
     * @param handledRequest whether this task read a request (rather than a connection's end)
     */
    void workerFinished(long allocatedBytes, boolean handledRequest, Throwable error, long nowNanos) {
        if (error != null) {
            handlerThrew(error);
            failInFlight(nowNanos);
        }
        if (handledRequest && allocatedBytes >= 0) {
            http.recordAllocation(allocatedBytes);
        }
    }

    /** The server closed the connection; a request still in flight ends here, failed. */
    void closed(long nowNanos) {
        if (closed) {
            return;
        }
        closed = true;
        failInFlight(nowNanos);
        connections.closed(nowNanos - openedNanos, requests);
    }

    private void failInFlight(long nowNanos) {
        if (!inFlight) {
            return;
        }
        inFlight = false;
        requests++;
        http.requestEnded();
        http.recordRequest(methodIndex, status, thrown, nowNanos - arrivedNanos, requestBodyBytes, responseBodyBytes);
    }
}
