package io.tailwatch.agent.instrumentation.undertow;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.HttpMethods;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * What the Undertow advice calls when Undertow's classes were loaded before the agent
 * ({@link UndertowInstrumentation#extendLoaded}): the events of {@link UndertowHooks}, kept in an
 * {@link UndertowAttachedConnection} attached to the HTTP/1.1 connection rather than in fields
 * added to the connection and the exchange. The advice finds that attachment under
 * {@link #slotKey} and hands it here as {@code Object} ({@code slot}, null where the connection has
 * none: HTTP/2, AJP, a connection whose exchange was begun before the attach); the exchange is
 * compared by identity only. Nothing here throws.
 *
 * <p>The life of a measured request: {@link #exchangeCreated} (the I/O thread read the request's
 * first bytes: the clock starts), {@link #begin} (parsed, about to be handled), the root handler's
 * runs ({@link #handlerEntering}/{@link #handlerReturned} for the allocation, {@link #publish} for
 * routing instrumentation), {@link #exchangeCompleted} (Undertow invokes the exchange's completion
 * listeners, on whichever thread completed it: the clock stops), or {@link #connectionClosed}.
 * Where the handler starts is not told to the request: no queue time is claimed.
 */
public final class UndertowAttachedHooks {
    private static final String COMPONENT = UndertowHooks.COMPONENT;

    /**
     * The key of the agent's attachment, one per copy of Undertow ({@code AttachmentKey} class):
     * made once by reflection, since this class may not name Undertow's types.
     */
    private static final ClassValue<Object> SLOT_KEYS = new ClassValue<Object>() {
        @Override
        protected Object computeValue(Class<?> attachmentKeyType) {
            try {
                return attachmentKeyType.getMethod("create", Class.class).invoke(null, Object.class);
            } catch (Throwable t) {
                AgentErrors.record(COMPONENT, t);
                return null;
            }
        }
    };

    private UndertowAttachedHooks() {
    }

    /**
     * The {@code io.undertow.util.AttachmentKey} under which a connection holds its
     * {@link UndertowAttachedConnection}; null if none could be made.
     *
     * @param attachmentKeyType {@code AttachmentKey.class}, as the advice's class loader sees it
     */
    public static Object slotKey(Class<?> attachmentKeyType) {
        return SLOT_KEYS.get(attachmentKeyType);
    }

    /** A connection serves its first exchange since the attach: what it will keep, once. */
    public static Object newConnection() {
        return new UndertowAttachedConnection();
    }

    /** The I/O thread read the first bytes of a request and created the exchange it parses them into. */
    public static void exchangeCreated(Object slot, Object exchange) {
        if (slot instanceof UndertowAttachedConnection) {
            UndertowAttachedConnection c = (UndertowAttachedConnection) slot;
            c.parsing = exchange;
            c.parsingStartNanos = System.nanoTime();
        }
    }

    /**
     * The request is parsed and its exchange becomes the connection's current one, just before
     * the root handler runs. The clock started when its exchange was created, or starts now if that
     * was before the attach.
     *
     * @param contentLength the request's Content-Length, -1 if none
     */
    public static void begin(Object slot, Object exchange, String method, long contentLength) {
        if (!(slot instanceof UndertowAttachedConnection) || exchange == null) {
            return;
        }
        try {
            Recording r = Recording.current();
            if (r == null) {
                return;
            }
            UndertowAttachedConnection c = (UndertowAttachedConnection) slot;
            long start = c.parsing == exchange ? c.parsingStartNanos : System.nanoTime();
            c.parsing = null;
            c.allocationMeasured = false;
            c.request.begin(r.http(), null, start, HttpMethods.indexOf(method), contentLength);
            c.exchange = exchange;
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * A run of the root handler starts ({@code setInCall(true)}): takes the thread's allocation mark.
     */
    public static void handlerEntering(Object slot, Object exchange) {
        if (slot instanceof UndertowAttachedConnection) {
            UndertowAttachedConnection c = (UndertowAttachedConnection) slot;
            if (c.exchange == exchange && exchange != null) {
                c.running = exchange;
                c.allocationMark = ServerRequest.allocationMark();
            }
        }
    }

    /**
     * A run of the root handler returned or threw ({@code setInCall(false)}). Unless the run handed
     * the exchange to another thread (an I/O thread dispatching to a worker), the handler ran here:
     * records its allocation, once per exchange. The exchange may have completed during the run
     * (a handler that answered on this thread): the run is still its own.
     */
    public static void handlerReturned(Object slot, Object exchange, boolean handedToAnotherThread) {
        if (!(slot instanceof UndertowAttachedConnection)) {
            return;
        }
        try {
            UndertowAttachedConnection c = (UndertowAttachedConnection) slot;
            if (c.running != exchange || exchange == null) {
                return;
            }
            c.running = null;
            if (!handedToAnotherThread && !c.allocationMeasured) {
                c.allocationMeasured = true;
                ServerRequest.handlerReturned(c.allocationMark);
            }
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /**
     * {@code Connectors.executeRootHandler} starts: publishes the exchange's request to routing
     * instrumentation for the run.
     *
     * @return what the thread published before, for {@link #unpublish}; null if nothing
     */
    public static ServerRequest publish(Object slot, Object exchange) {
        if (slot instanceof UndertowAttachedConnection) {
            UndertowAttachedConnection c = (UndertowAttachedConnection) slot;
            if (c.exchange == exchange && exchange != null) {
                return CurrentRequest.enter(c.request);
            }
        }
        return null;
    }

    /** The run of {@code executeRootHandler} returned or threw. */
    public static void unpublish(ServerRequest previous) {
        CurrentRequest.exit(previous);
    }

    /**
     * Undertow invokes the exchange's completion listeners, once per exchange: the request is over.
     *
     * @param status        the status sent, 0 if no response was started (the connection closed first)
     * @param responseBytes the response body bytes the application wrote
     * @param error         what the root handler threw, as Undertow attached it to the exchange, or null
     */
    public static void exchangeCompleted(Object slot, Object exchange, int status, long responseBytes, Object error) {
        if (!(slot instanceof UndertowAttachedConnection)) {
            return;
        }
        try {
            long now = System.nanoTime();
            UndertowAttachedConnection c = (UndertowAttachedConnection) slot;
            if (c.exchange != exchange || exchange == null) {
                return;
            }
            c.exchange = null;
            ServerRequest request = c.request;
            if (error instanceof Throwable) {
                request.threw((Throwable) error);
            }
            request.status(status);
            request.responseBodyWritten(responseBytes);
            request.end(now);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** A servlet (or filter) threw out of the request's own dispatch; the container answers 500. */
    public static void handlerThrew(Object slot, Object exchange, Throwable error, boolean complete) {
        if (!complete && slot instanceof UndertowAttachedConnection) {
            UndertowAttachedConnection c = (UndertowAttachedConnection) slot;
            if (c.exchange == exchange && exchange != null) {
                c.request.threw(error);
            }
        }
    }

    /**
     * Undertow answers 400 and closes without running a handler (unparseable or oversized request,
     * invalid headers): counted as a request of its own unless one is already in flight.
     *
     * @param parsing the exchange the request was being parsed into, null if none yet
     * @param method  the method parsed so far, null if none
     */
    public static void rejected(Object slot, Object parsing, String method) {
        if (!(slot instanceof UndertowAttachedConnection)) {
            return;
        }
        try {
            Recording r = Recording.current();
            if (r == null) {
                return;
            }
            UndertowAttachedConnection c = (UndertowAttachedConnection) slot;
            long now = System.nanoTime();
            ServerRequest request = c.request;
            if (!request.inFlight()) {
                long start = parsing != null && c.parsing == parsing ? c.parsingStartNanos : now;
                request.begin(r.http(), null, start, HttpMethods.indexOf(method), -1);
            }
            c.parsing = null;
            c.exchange = null;
            request.status(400);
            request.responseBodyUnmeasured();
            request.end(now);
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }

    /** The connection's channel closed: a request still in flight ends now, without a status. */
    public static void connectionClosed(Object slot) {
        if (!(slot instanceof UndertowAttachedConnection)) {
            return;
        }
        try {
            UndertowAttachedConnection c = (UndertowAttachedConnection) slot;
            c.request.end(System.nanoTime());
            c.exchange = null;
            c.parsing = null;
        } catch (Throwable t) {
            AgentErrors.record(COMPONENT, t);
        }
    }
}
