package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.HttpMethods;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * What the JDK HTTP server advice calls when the server's classes were loaded before the agent
 * ({@link JdkHttpServerInstrumentation#extendLoaded}): the same events as {@link JdkHttpServerHooks},
 * kept in the worker thread's {@link JdkHttpWorkerRequest} rather than in fields of the server's
 * objects. Never throws.
 */
public final class JdkHttpServerAttachedHooks {
    private static final String COMPONENT = "jdk-httpserver";

    private JdkHttpServerAttachedHooks() {
    }

    /** A worker starts an exchange task; returns the thread's allocation mark for {@link #taskEnded}. */
    public static long taskStarted() {
        try {
            JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
            worker.taskStartNanos = System.nanoTime();
            worker.begun = false;
            return ServerRequest.allocationMark();
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return -1;
        }
    }

    /** The request line and headers were read into {@code exchangeImpl}; a handler will run. */
    public static void requestParsed(Object exchangeImpl, String method, long contentLength) {
        try {
            Recording r = Recording.current();
            if (r == null) {
                return;
            }
            JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
            worker.exchange = exchangeImpl;
            worker.begun = true;
            worker.request.begin(r.http(), null, worker.taskStartNanos, HttpMethods.indexOf(method), contentLength);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** The server answers an unreadable request itself. */
    public static void rejected(int code, String requestLine) {
        try {
            Recording r = Recording.current();
            if (r == null) {
                return;
            }
            JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
            worker.exchange = null;
            worker.begun = true;
            ServerRequest request = worker.request;
            request.begin(r.http(), null, worker.taskStartNanos, HttpMethods.indexOfRequestLine(requestLine), -1);
            request.status(code);
            request.responseBodyUnmeasured();
            request.end(System.nanoTime());
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    public static void responseStatus(Object exchangeImpl, int code) {
        JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
        if (worker.handles(exchangeImpl)) {
            worker.request.status(code);
        }
    }

    public static void responseBodyWritten(Object exchangeImpl, long bytes) {
        JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
        if (worker.handles(exchangeImpl)) {
            worker.request.responseBodyWritten(bytes);
        }
    }

    /** The last byte of the response has been written. */
    public static void responseFinished(Object exchangeImpl) {
        try {
            JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
            if (worker.handles(exchangeImpl)) {
                worker.request.end(System.nanoTime());
                worker.exchange = null;
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** The handler (or a filter) threw, on the thread that runs it. */
    public static void handlerThrew(Throwable error) {
        JdkHttpWorkerRequest.ofThread().request.threw(error);
    }

    /**
     * The exchange task returned, or threw {@code error}: a request whose response has not finished
     * on this thread ends here (its handler returned without finishing it, or failed).
     */
    public static void taskEnded(long allocationMark, Throwable error) {
        try {
            JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
            if (!worker.begun) {
                return;
            }
            worker.begun = false;
            ServerRequest request = worker.request;
            if (error != null) {
                request.threw(error);
            }
            request.end(System.nanoTime());
            worker.exchange = null;
            ServerRequest.handlerReturned(allocationMark);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }
}
