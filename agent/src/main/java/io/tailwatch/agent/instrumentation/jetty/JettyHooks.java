package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import io.tailwatch.agent.recording.WorkerPools;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.channels.SelectionKey;

/**
 * What the Jetty 12 advice calls. Jetty's objects arrive as {@code Object} and are reached through
 * the accessor interfaces the instrumentation added; every method never throws.
 *
 * <p>A connection opens when it was accepted. Jetty creates a new connection's endpoint on a thread
 * of its pool, so when the pool is busy the new connection waits in its queue before the selector
 * ever watches the socket, usually with its first request already sent; the selector's first
 * readable event comes only after that wait. So when the accept task waited in the pool longer than
 * {@link #ACCEPT_QUEUED_NANOS}, the connection's first request is taken to have arrived at the
 * accept, and readable events before it has ended are ignored (see {@link #selected}); a client that
 * connected to a busy server and waited before sending its first request has that wait counted in
 * it. Otherwise the selector's readable events count from the start, as they do for every later
 * request: the first request's arrival is then at most that threshold late.
 */
public final class JettyHooks {
    static final String COMPONENT = "jetty";

    /** An accept task that waited longer than this for a pool thread found the pool busy. */
    static final long ACCEPT_QUEUED_NANOS = 1_000_000L;

    /**
     * When the accept task running on this thread accepted its connection: set by the accept task
     * around the endpoint's creation, read by the connection's {@code onOpen} within it. Used once
     * per connection, never per request.
     */
    private static final AcceptedAt ACCEPTED = new AcceptedAt();

    private static final class AcceptedAt extends ThreadLocal<long[]> {
        @Override
        protected long[] initialValue() {
            return new long[2];
        }
    }

    private JettyHooks() {
    }

    /** A pool thread starts to create the endpoint and connection of a socket accepted at {@code acceptedNanos}. */
    public static void acceptTaskStarted(long acceptedNanos) {
        try {
            long[] accepted = ACCEPTED.get();
            accepted[0] = acceptedNanos;
            accepted[1] = 1;
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    public static void acceptTaskEnded() {
        try {
            ACCEPTED.get()[1] = 0;
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * An HTTP connection opens; {@code existing} is what its field already holds.
     *
     * @return the connection's tracking, or null while the agent is not recording
     */
    public static ServerConnection connectionOpened(ServerConnection existing) {
        if (existing != null) {
            return existing;
        }
        try {
            Recording r = Recording.current();
            if (r == null) {
                return null;
            }
            long[] accepted = ACCEPTED.get();
            return new ServerConnection(r.connections(), accepted[1] != 0 ? accepted[0] : System.nanoTime());
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return null;
        }
    }

    /**
     * Lets the selector find the connection's tracking on its socket's endpoint, and tells it
     * whether the connection's accept waited for the pool (see the class comment). Called by the
     * connection's {@code onOpen}, within the accept task when that task creates it.
     */
    public static void endPointOpened(Object networkEndPoint, ServerConnection connection) {
        if (connection == null || !(networkEndPoint instanceof JettyEndPointAccess)) {
            return;
        }
        try {
            long[] accepted = ACCEPTED.get();
            boolean queued = accepted[1] != 0 && System.nanoTime() - accepted[0] > ACCEPT_QUEUED_NANOS;
            JettyEndPointAccess endPoint = (JettyEndPointAccess) networkEndPoint;
            endPoint.tailwatch$acceptQueued(queued);
            endPoint.tailwatch$connection(connection);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * Selector thread: the socket has events. A readable socket marks when the next request's bytes
     * reached the server, unless the connection's accept waited for the pool and its first request
     * has not ended yet (see the class comment).
     */
    public static void selected(ServerConnection connection, int readyOps, boolean acceptQueued) {
        try {
            if ((readyOps & SelectionKey.OP_READ) != 0 && (!acceptQueued || connection.requests() > 0)) {
                connection.readable(System.nanoTime());
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * A connection closed ({@code AbstractConnection.onClose}, for every kind of Jetty connection).
     * A request still in flight on an HTTP connection ends here, without a response: Jetty completes
     * every request whose handler completes its callback, so only one whose callback was never
     * completed is left to end here.
     */
    public static void connectionClosed(Object jettyConnection) {
        if (!(jettyConnection instanceof JettyConnectionAccess)) {
            return;
        }
        try {
            JettyConnectionAccess access = (JettyConnectionAccess) jettyConnection;
            long now = System.nanoTime();
            ServerRequest request = ofChannel(access.tailwatch$httpChannel());
            if (request != null) {
                request.end(now);
            }
            ServerConnection connection = access.tailwatch$connection();
            if (connection != null) {
                connection.closed(now);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * {@code HttpChannelState.onRequest}: the request line and headers are parsed.
     *
     * @param request        what the channel's field holds: null until its first request
     * @param connectionMeta the channel's {@code ConnectionMetaData}: the {@code HttpConnection} for HTTP/1
     * @return the measurement to keep in the channel's field
     */
    public static ServerRequest requestStarted(ServerRequest request, Object connectionMeta, String method, long contentLength) {
        try {
            if (request == null) {
                if (Recording.current() == null) {
                    return null;
                }
                request = new ServerRequest();
            }
            ServerConnection connection = connectionMeta instanceof JettyConnectionAccess
                    ? ((JettyConnectionAccess) connectionMeta).tailwatch$connection()
                    : null;
            request.begin(connection, connection != null ? connection.arrival() : System.nanoTime(), method, contentLength);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
        return request;
    }

    /**
     * A thread starts to run the request's handler ({@code HttpChannelState$HandlerInvoker.run}).
     *
     * @return the thread's allocation mark, to be passed to {@link #handlerReturned}; -1 for none
     */
    public static long handlerStarted(Object channelState) {
        try {
            ServerRequest request = ofChannel(channelState);
            if (request == null || !request.inFlight()) {
                return -1;
            }
            request.handlerStarted(System.nanoTime());
            return ServerRequest.allocationMark();
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return -1;
        }
    }

    /**
     * Publishes the channel's request as the calling thread's current one, for routing frameworks.
     *
     * @return what was published before, to be passed to {@link #handlerReturned}
     */
    public static ServerRequest publish(Object channelState) {
        try {
            return CurrentRequest.enter(ofChannel(channelState));
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return null;
        }
    }

    /** The thread returns from the handlers; {@code previous} is what {@link #publish} returned. */
    public static void handlerReturned(long allocationMark, ServerRequest previous) {
        try {
            CurrentRequest.exit(previous);
            if (allocationMark >= 0) {
                ServerRequest.handlerReturned(allocationMark);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * The handler failed the request: it threw (Jetty fails the request's callback with it), failed
     * the callback itself, or a servlet threw. {@code status} is what Jetty will answer: an
     * {@code HttpException}'s code, 500 otherwise. Only failures answered with a 5xx give the
     * request an {@code error_type}; an {@code HttpException(404)} is an ordinary 404.
     *
     * @param channelRequest the innermost request, {@code HttpChannelState$ChannelRequest}
     */
    public static void requestFailed(Object channelRequest, Throwable failure, int status) {
        if (status < 500 || !(channelRequest instanceof JettyChannelRequestAccess)) {
            return;
        }
        try {
            ServerRequest request = ofChannel(((JettyChannelRequestAccess) channelRequest).tailwatch$channelState());
            if (request != null) {
                request.threw(failure);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * No handler took the request: Jetty answers 404 itself, and the page it writes is not counted
     * as the response body.
     *
     * @param channelRequest the innermost request, {@code HttpChannelState$ChannelRequest}
     */
    public static void unhandled(Object channelRequest) {
        if (!(channelRequest instanceof JettyChannelRequestAccess)) {
            return;
        }
        try {
            ServerRequest request = ofChannel(((JettyChannelRequestAccess) channelRequest).tailwatch$channelState());
            if (request != null && request.inFlight()) {
                request.responseBodyUnmeasured();
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * {@code HttpChannelState.completeStream}: the response's last byte is written (or the exchange
     * failed), before Jetty recycles the channel for the connection's next request.
     *
     * @param status the status the client received; 0 if the exchange failed before the response was committed
     */
    public static void requestCompleted(ServerRequest request, int status, long responseBodyBytes) {
        try {
            if (request.inFlight()) {
                request.status(status);
                request.responseBodyWritten(responseBodyBytes);
                request.end(System.nanoTime());
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * A {@code ServerConnector} started: its executor is the pool handlers run on, unless they run on
     * virtual threads (then no pool bounds them and none is reported). A {@code QueuedThreadPool}
     * leases some of its threads to Jetty's acceptors and selectors for good; it is read as the
     * threads running other jobs (handlers) and the maximum less the leased ones, which is what the
     * application's handlers can use, when it has those methods, and as busy and max otherwise.
     */
    public static void connectorStarted(Object executor, int port, boolean virtualThreads) {
        try {
            Recording r = Recording.current();
            if (r == null || executor == null) {
                return;
            }
            if (virtualThreads) {
                r.pools().unregister(executor);
                return;
            }
            WorkerPools.Shape shape = null;
            if (hasPublic(executor, "getUtilizedThreads") && hasPublic(executor, "getMaxAvailableThreads")
                    && hasPublic(executor, "getQueueSize")) {
                shape = new WorkerPools.Shape("getUtilizedThreads", "getMaxAvailableThreads", "getQueueSize");
            } else if (hasPublic(executor, "getBusyThreads") && hasPublic(executor, "getMaxThreads")
                    && hasPublic(executor, "getQueueSize")) {
                shape = new WorkerPools.Shape("getBusyThreads", "getMaxThreads", "getQueueSize");
            }
            if (shape != null) {
                r.pools().register(COMPONENT, port, executor, shape);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    public static void connectorStopping(Object executor) {
        try {
            Recording r = Recording.current();
            if (r != null && executor != null) {
                r.pools().unregister(executor);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    private static boolean hasPublic(Object target, String method) {
        try {
            Method m = target.getClass().getMethod(method);
            return m.getParameterCount() == 0 && Modifier.isPublic(m.getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static ServerRequest ofChannel(Object channelState) {
        return channelState instanceof JettyChannelAccess ? ((JettyChannelAccess) channelState).tailwatch$request() : null;
    }
}
