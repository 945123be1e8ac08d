package io.tailwatch.agent.instrumentation.tomcat;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import io.tailwatch.agent.recording.WorkerPools;

import java.util.concurrent.ThreadPoolExecutor;

/**
 * What the Tomcat advice calls. Each method takes Tomcat's objects as {@code Object} (this class
 * lives in the bootstrap loader, which cannot see Tomcat), reaches the agent's state through the
 * accessors the instrumentation added to them, and never throws.
 *
 * <p>A connection's {@link ServerConnection} lives on its socket wrapper; a request's
 * {@link ServerRequest} on the coyote request, which Tomcat recycles, so the request path allocates
 * nothing once each processor has handled its first request.
 */
public final class TomcatHooks {
    static final String COMPONENT = "tomcat";

    /** Tomcat's own executor and any {@code java.util.concurrent} one share these method names. */
    private static final WorkerPools.Shape EXECUTOR = WorkerPools.Shape.THREAD_POOL_EXECUTOR;
    /** A shared {@code <Executor>} of server.xml or {@code Tomcat.getService().addExecutor}. */
    private static final WorkerPools.Shape STANDARD_THREAD_EXECUTOR =
            new WorkerPools.Shape("getActiveCount", "getMaxThreads", "getQueueSize");

    private TomcatHooks() {
    }

    /** A socket wrapper was created for an accepted connection. */
    public static ServerConnection connectionOpened() {
        try {
            return ServerConnection.open();
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return null;
        }
    }

    /** The socket wrapper's {@code close()} returned: the connection and its processor are released. */
    public static void connectionClosed(ServerConnection connection) {
        if (connection != null) {
            try {
                connection.closed(System.nanoTime());
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
    }

    /** The poller (or an async completion) hands the connection to the executor for reading. */
    public static void readable(Object socketWrapper) {
        ServerConnection c = connection(socketWrapper);
        if (c != null) {
            c.readable(System.nanoTime());
        }
    }

    /** A worker starts processing the connection. */
    public static void workerStarted(Object socketWrapper) {
        if (socketWrapper instanceof SocketWrapperAccess) {
            ((SocketWrapperAccess) socketWrapper).tailwatch$workerStartNanos(System.nanoTime());
        }
    }

    /** The first byte of a new request was read: it reached the server at the connection's arrival. */
    public static void requestStarted(Object socketWrapper, Object coyoteRequest) {
        if (coyoteRequest instanceof CoyoteRequestAccess) {
            ServerConnection c = connection(socketWrapper);
            ((CoyoteRequestAccess) coyoteRequest).tailwatch$arrivalNanos(c != null ? c.arrival() : System.nanoTime());
        }
    }

    /** The request line and headers are parsed and prepared; the adapter (the servlet container) is next. */
    public static void requestParsed(Object socketWrapper, Object coyoteRequest, String method, long contentLength) {
        if (!(coyoteRequest instanceof CoyoteRequestAccess)) {
            return;
        }
        try {
            CoyoteRequestAccess access = (CoyoteRequestAccess) coyoteRequest;
            ServerRequest request = access.tailwatch$request();
            if (request == null) {
                request = new ServerRequest();
                access.tailwatch$request(request);
            }
            ServerConnection c = connection(socketWrapper);
            long arrival = access.tailwatch$arrivalNanos();
            access.tailwatch$arrivalNanos(0);
            if (arrival == 0) {
                arrival = c != null ? c.arrival() : System.nanoTime();
            }
            if (request.begin(c, arrival, method, contentLength)) {
                long workerStart = socketWrapper instanceof SocketWrapperAccess
                        ? ((SocketWrapperAccess) socketWrapper).tailwatch$workerStartNanos() : arrival;
                request.handlerStarted(workerStart);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** The response is being committed with this status: the status line the client receives. */
    public static void responseCommitted(Object coyoteRequest, int status) {
        ServerRequest request = request(coyoteRequest);
        if (request != null) {
            request.status(status);
        }
    }

    /**
     * The servlet container caught what the application threw and answers {@code errorCode}. Only
     * server errors give the request an {@code error_type}: a 400 for unparseable parameters is the
     * client's error.
     */
    public static void applicationThrew(Object coyoteRequest, Throwable error, int errorCode) {
        if (errorCode >= 500) {
            ServerRequest request = request(coyoteRequest);
            if (request != null) {
                request.threw(error);
            }
        }
    }

    /**
     * Tomcat counts the request as done ({@code Request.updateCounters()}): the response is complete,
     * or the request failed. Also called when the coyote request is recycled, where it ends a request
     * Tomcat gave up on without counting it (its connection closed while the request was async).
     */
    public static void requestEnded(ServerRequest request, long responseBodyBytes) {
        if (request != null && request.inFlight()) {
            try {
                request.responseBodyWritten(responseBodyBytes);
                request.end(System.nanoTime());
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
            }
        }
    }

    /** The adapter starts running the application for the request: returns the allocation mark. */
    public static long handlerEntered() {
        return ServerRequest.allocationMark();
    }

    /** The adapter returned: records what the thread allocated meanwhile (nothing on virtual threads). */
    public static void handlerReturned(long allocationMark) {
        try {
            ServerRequest.handlerReturned(allocationMark);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** Publishes the request to routing frameworks while the application runs; see {@link CurrentRequest}. */
    public static ServerRequest publish(Object coyoteRequest) {
        return CurrentRequest.enter(request(coyoteRequest));
    }

    public static void unpublish(ServerRequest previous) {
        CurrentRequest.exit(previous);
    }

    /**
     * The endpoint started: its executor is in place. A bounded pool is read at scrape time; the
     * executor of virtual threads ({@code useVirtualThreads}) has no size to read and is left out.
     */
    public static void endpointStarted(Object executor, int port) {
        try {
            Recording r = Recording.current();
            WorkerPools.Shape shape = shapeOf(executor);
            if (r != null && shape != null) {
                r.pools().register(COMPONENT, port, executor, shape);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** The endpoint shuts its executor down. */
    public static void executorShutdown(Object executor) {
        try {
            Recording r = Recording.current();
            if (r != null && executor != null) {
                r.pools().unregister(executor);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    static WorkerPools.Shape shapeOf(Object executor) {
        if (executor == null) {
            return null;
        }
        if (executor instanceof ThreadPoolExecutor) {
            return EXECUTOR;
        }
        for (Class<?> c = executor.getClass(); c != null; c = c.getSuperclass()) {
            switch (c.getName()) {
                case "org.apache.tomcat.util.threads.ThreadPoolExecutor":
                    return EXECUTOR;
                case "org.apache.catalina.core.StandardThreadExecutor":
                    return STANDARD_THREAD_EXECUTOR;
                default:
                    break;
            }
        }
        return null;
    }

    private static ServerConnection connection(Object socketWrapper) {
        return socketWrapper instanceof SocketWrapperAccess ? ((SocketWrapperAccess) socketWrapper).tailwatch$connection() : null;
    }

    private static ServerRequest request(Object coyoteRequest) {
        return coyoteRequest instanceof CoyoteRequestAccess ? ((CoyoteRequestAccess) coyoteRequest).tailwatch$request() : null;
    }
}
