package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.recording.ConnectionRecorder;
import io.tailwatch.agent.recording.HttpMethods;
import io.tailwatch.agent.recording.HttpServerRecorder;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * What tailwatch tracks of one connection of the JDK HTTP server, kept in a field added to
 * {@code sun.net.httpserver.HttpConnection}.
 *
 * <p>The JDK server runs at most one exchange per connection at a time, so the connection also
 * carries the {@link ServerRequest} of its current request, reused from one request to the next. The request clock starts when the dispatcher thread
 * creates the exchange task for bytes that have arrived ({@link #requestArrived}), before the task
 * waits in the executor's queue; idle time between keep-alive requests is never counted.
 *
 * <p>Threads: {@code requestArrived} runs on the dispatcher; the worker that runs the exchange
 * task is handed the connection through {@code Executor.execute}, and a thread that completes the
 * response later is handed the exchange by the application, so each step happens-after the one
 * before it and plain fields suffice. {@link #closed} may race with a completion on another thread;
 * {@link ServerRequest#end} then records the request once, whichever comes first.
 */
public final class JdkHttpConnection {
    private final HttpServerRecorder http;
    private final ServerConnection connection;
    private final ServerRequest request = new ServerRequest();
    private long workerStartNanos;

    JdkHttpConnection(HttpServerRecorder http, ConnectionRecorder connections, long openedNanos) {
        this.http = http;
        this.connection = new ServerConnection(connections, openedNanos);
    }

    /** Dispatcher thread: bytes of a new request are ready and a task is about to be queued. */
    void requestArrived(long nowNanos) {
        connection.readable(nowNanos);
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
        request.begin(http, connection, connection.arrival(), HttpMethods.indexOf(method), contentLength);
        request.handlerStarted(workerStartNanos);
    }

    /** The server answered the request itself (bad request line, no context, ...) and closes. */
    void rejected(int code, String requestLine, long nowNanos) {
        request.begin(http, connection, connection.arrival(), HttpMethods.indexOfRequestLine(requestLine), -1);
        request.handlerStarted(workerStartNanos);
        request.status(code);
        request.responseBodyUnmeasured();
        request.end(nowNanos);
    }

    void responseStatus(int code) {
        request.status(code);
    }

    void responseBodyWritten(long bytes) {
        request.responseBodyWritten(bytes);
    }

    /** The last byte of the response has been written: the request is complete. */
    void responseFinished(long nowNanos) {
        request.end(nowNanos);
    }

    /** The handler threw; remembered until the server closes the connection or the task ends. */
    void handlerThrew(Throwable t) {
        request.threw(t);
    }

    /**
     * Worker thread: the exchange task ended, normally or with {@code error}.
     *
     * @param handledRequest whether this task read a request (rather than a connection's end)
     */
    void workerFinished(long allocatedBytes, boolean handledRequest, Throwable error, long nowNanos) {
        if (error != null) {
            request.threw(error);
            request.end(nowNanos);
        }
        if (handledRequest && allocatedBytes >= 0) {
            http.recordAllocation(allocatedBytes);
        }
    }

    /** The server closed the connection; a request still in flight ends here, failed. */
    void closed(long nowNanos) {
        request.end(nowNanos);
        connection.closed(nowNanos);
    }
}
