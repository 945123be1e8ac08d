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

    /** The response's status is sent, on the request's worker or on a thread it handed the exchange to. */
    public static void responseStatus(Object exchangeImpl, int code) {
        try {
            JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
            if (worker.handles(exchangeImpl)) {
                worker.request.status(code);
            } else if (exchangeImpl != null) {
                worker.follow(exchangeImpl);
                worker.foreignStatus = code;
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    public static void responseBodyWritten(Object exchangeImpl, long bytes) {
        try {
            JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
            if (worker.handles(exchangeImpl)) {
                worker.request.responseBodyWritten(bytes);
            } else if (exchangeImpl != null) {
                worker.follow(exchangeImpl);
                worker.foreignBytes += bytes;
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * The last byte of the response has been written: on the request's worker it ends there; on
     * another thread it is handed to {@link JdkHttpHandOffs} to meet the request its worker left.
     */
    public static void responseFinished(Object exchangeImpl) {
        try {
            long now = System.nanoTime();
            JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
            if (worker.handles(exchangeImpl)) {
                worker.request.end(now);
                worker.exchange = null;
            } else if (exchangeImpl != null && Recording.current() != null) {
                worker.follow(exchangeImpl);
                JdkHttpHandOffs.finished(exchangeImpl, worker.foreignStatus, worker.foreignBytes, now);
                worker.foreignExchange = null;
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
     * The exchange task returned, or threw {@code error}. A request whose response has not finished
     * on this thread and that neither failed nor was rejected was handed to another thread (an
     * asynchronous handler): it goes to {@link JdkHttpHandOffs} to meet its response there. Any other
     * request still open ends here.
     */
    public static void taskEnded(long allocationMark, Throwable error) {
        try {
            JdkHttpWorkerRequest worker = JdkHttpWorkerRequest.ofThread();
            if (!worker.begun) {
                return;
            }
            worker.begun = false;
            ServerRequest request = worker.request;
            Object exchange = worker.exchange;
            worker.exchange = null;
            if (error != null) {
                request.threw(error);
            }
            if (error == null && exchange != null && request.inFlight() && !request.failed()
                    && JdkHttpHandOffs.handedOff(exchange, request)) {
                worker.request = new ServerRequest();
            } else {
                request.end(System.nanoTime());
            }
            ServerRequest.handlerReturned(allocationMark);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }
}
