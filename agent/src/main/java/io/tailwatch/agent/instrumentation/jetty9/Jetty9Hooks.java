package io.tailwatch.agent.instrumentation.jetty9;

import io.tailwatch.agent.instrumentation.jetty.JettyEndPointAccess;
import io.tailwatch.agent.instrumentation.jetty.JettyHooks;
import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * What the Jetty 9.4 advice calls. Jetty's objects arrive as {@code Object} and are reached through
 * the accessor interfaces the instrumentation added; every method never throws.
 *
 * <p>Jetty 9.4 accepts connections and watches sockets the way Jetty 12 does (an accept task on
 * the pool creates the endpoint and connection; the selector thread finds sockets readable), so
 * the connection side is {@link JettyHooks}'s, with the same rule for a connection whose accept
 * waited for a busy pool; its endpoints implement the same {@link JettyEndPointAccess}. The
 * request side is Jetty 9.4's own.
 */
public final class Jetty9Hooks {
    static final String COMPONENT = "jetty9";

    private Jetty9Hooks() {
    }

    public static void acceptTaskStarted(long acceptedNanos) {
        JettyHooks.acceptTaskStarted(acceptedNanos);
    }

    public static void acceptTaskEnded() {
        JettyHooks.acceptTaskEnded();
    }

    /**
     * An HTTP/1 connection opens on {@code endPoint}; {@code existing} is what its field already holds.
     *
     * @return the connection's tracking, or null while the agent is not recording
     */
    public static ServerConnection connectionOpened(ServerConnection existing, Object endPoint) {
        ServerConnection connection = JettyHooks.connectionOpened(existing);
        JettyHooks.endPointOpened(endPoint, connection);
        return connection;
    }

    /** Whether the selector marks the connection readable: its endpoint is the socket's own. */
    public static boolean selectorFollows(Object endPoint) {
        return endPoint instanceof JettyEndPointAccess;
    }

    /** Selector thread: the socket has events (see {@link JettyHooks#selected}). */
    public static void selected(ServerConnection connection, int readyOps, boolean acceptQueued) {
        JettyHooks.selected(connection, readyOps, acceptQueued);
    }

    /**
     * A connection whose socket the selector does not show the agent (TLS) starts to read: the
     * nearest to its readable event there is, after any wait for a worker.
     */
    public static void filling(ServerConnection connection) {
        try {
            connection.readable(System.nanoTime());
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * {@code HttpConnection.onClose()}. A request still in flight ends here, without a response:
     * Jetty completes every request whose response was written or failed, so only one the
     * connection's close cut short is left to end here.
     *
     * @param channel the connection's {@code HttpChannel}
     */
    public static void connectionClosed(ServerConnection connection, Object channel) {
        try {
            long now = System.nanoTime();
            ServerRequest request = channel instanceof Jetty9ChannelAccess ? ((Jetty9ChannelAccess) channel).tailwatch$request() : null;
            if (request != null) {
                request.end(now);
            }
            if (connection != null) {
                connection.closed(now);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * {@code HttpChannel.onRequest}: the request line and headers are parsed.
     *
     * @param request    what the channel's field holds: null until its first request
     * @param connection the channel's connection: the {@code HttpConnection} for HTTP/1
     * @return the measurement to keep in the channel's field
     */
    public static ServerRequest requestStarted(ServerRequest request, Object connection, String method, long contentLength) {
        try {
            if (request == null) {
                if (Recording.current() == null) {
                    return null;
                }
                request = new ServerRequest();
            }
            ServerConnection tracked = connection instanceof Jetty9ConnectionAccess
                    ? ((Jetty9ConnectionAccess) connection).tailwatch$connection()
                    : null;
            request.begin(tracked, tracked != null ? tracked.arrival() : System.nanoTime(), method, contentLength);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
        return request;
    }

    /**
     * A thread starts to run the request's dispatch ({@code HttpChannel.handle()}, its first call
     * for the request).
     *
     * @return the thread's allocation mark, to be passed to {@link #handlerReturned}; -1 for none
     */
    public static long handlerStarted(ServerRequest request) {
        try {
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
    public static ServerRequest publish(ServerRequest request) {
        try {
            return CurrentRequest.enter(request);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
            return null;
        }
    }

    /** The thread returns from {@code handle()}; {@code previous} is what {@link #publish} returned. */
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
     * {@code HttpChannel.onCompleted()}: the response's last byte is written (or the exchange
     * failed), before Jetty recycles the channel for the connection's next request. What the
     * application threw becomes the request's {@code error_type} only if the client got a 5xx or no
     * response: an exception Jetty answers with a 4xx ({@code BadMessageException(400)}, a
     * permanently unavailable servlet's 404) is the client's error, not the server's.
     *
     * @param status            the status committed to the client; 0 if no response was committed
     * @param responseBodyBytes the response content Jetty wrote
     * @param failure           the first exception the channel handled for this request, or null
     */
    public static void requestCompleted(ServerRequest request, int status, long responseBodyBytes, Throwable failure) {
        try {
            if (request.inFlight()) {
                if (failure != null && (status <= 0 || status >= 500)) {
                    request.threw(failure);
                }
                request.status(status);
                request.responseBodyWritten(responseBodyBytes);
                request.end(System.nanoTime());
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * A {@code ServerConnector} started: its executor, a {@code QueuedThreadPool} unless the
     * application gave another, is the pool its requests run on; it is reported as the Jetty 12
     * module reports it (threads left to the application, not those leased to acceptors and selectors).
     */
    public static void connectorStarted(Object executor, int port) {
        JettyHooks.connectorStarted(executor, port, false);
    }

    public static void connectorStopping(Object executor) {
        JettyHooks.connectorStopping(executor);
    }
}
