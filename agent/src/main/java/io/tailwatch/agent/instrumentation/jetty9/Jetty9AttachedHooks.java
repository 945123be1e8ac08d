package io.tailwatch.agent.instrumentation.jetty9;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.HttpMethods;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * What the Jetty 9.4 advice calls when Jetty's classes were loaded before the agent
 * ({@link Jetty9AttachedAdvice}): the same events as {@link Jetty9Hooks}, the request's state kept
 * in {@link Jetty9InFlight} under its {@code HttpChannel} rather than in fields of the channel.
 * The clock starts when a thread starts to read the connection for the request
 * ({@code HttpConnection.onFillable}, for the first request it parses; a later one parsed in the
 * same run, pipelined, starts when its head is parsed) and ends at {@code HttpChannel.onCompleted},
 * on whatever thread completes it. Never throws.
 */
public final class Jetty9AttachedHooks {
    /** 8192 slots: a window of 32 is full only with thousands of requests in flight at once. */
    private static final Jetty9InFlight IN_FLIGHT = new Jetty9InFlight(1 << 13, 32);

    /** No read of the connection in progress on this thread, or its first request already begun. */
    static final long NOT_FILLING = Long.MIN_VALUE;

    /**
     * When the {@code HttpConnection.onFillable} running on this thread started, until the first
     * request it parses takes it; {@link #NOT_FILLING} otherwise. One array per thread, reused.
     */
    private static final ThreadLocal<long[]> FILL_START = ThreadLocal.withInitial(() -> new long[]{NOT_FILLING});

    private Jetty9AttachedHooks() {
    }

    /**
     * {@code HttpConnection.onFillable()} starts on this thread: it reads and parses the connection.
     *
     * @return what this thread held before, to be passed to {@link #fillReturned}
     */
    public static long fillStarted() {
        try {
            long[] fill = FILL_START.get();
            long previous = fill[0];
            fill[0] = Recording.current() != null ? System.nanoTime() : NOT_FILLING;
            return previous;
        } catch (Throwable t) {
            AgentErrors.record(Jetty9Hooks.COMPONENT, t);
            return NOT_FILLING;
        }
    }

    public static void fillReturned(long previous) {
        try {
            FILL_START.get()[0] = previous;
        } catch (Throwable t) {
            AgentErrors.record(Jetty9Hooks.COMPONENT, t);
        }
    }

    /** When the request parsed now began: its read's start if it is the first of that read, else now. */
    static long requestStart(long nowNanos) {
        long[] fill = FILL_START.get();
        long start = fill[0] != NOT_FILLING ? fill[0] : nowNanos;
        fill[0] = NOT_FILLING;
        return start;
    }

    /** {@code HttpChannel.onRequest}: the request's head is parsed. */
    public static void requestStarted(Object channel, String method, long contentLength) {
        requestStarted(IN_FLIGHT, channel, method, contentLength, System.nanoTime());
    }

    static void requestStarted(Jetty9InFlight inFlight, Object channel, String method, long contentLength, long nowNanos) {
        try {
            long start = requestStart(nowNanos);
            Recording r = Recording.current();
            if (r == null) {
                return;
            }
            Jetty9InFlight.Slot slot = inFlight.claim(channel);
            if (slot == null) {
                AgentErrors.record(Jetty9Hooks.COMPONENT, new IllegalStateException("too many Jetty requests in flight to follow"));
                return;
            }
            slot.request.begin(r.http(), null, start, HttpMethods.indexOf(method), contentLength);
        } catch (Throwable t) {
            AgentErrors.record(Jetty9Hooks.COMPONENT, t);
        }
    }

    /**
     * {@code HttpChannel.handle()} starts on the calling thread: publishes the request to routing
     * frameworks meanwhile.
     *
     * @return what was published before, to be passed to {@link #handleReturned}
     */
    public static ServerRequest handleStarted(Object channel) {
        try {
            Jetty9InFlight.Slot slot = IN_FLIGHT.find(channel);
            return CurrentRequest.enter(slot != null ? slot.request : null);
        } catch (Throwable t) {
            AgentErrors.record(Jetty9Hooks.COMPONENT, t);
            return null;
        }
    }

    /**
     * The allocation mark of a thread that starts on the request for the first time (its dispatch to
     * the application), -1 otherwise (an async dispatch, the completion) or when unmeasured.
     */
    public static long firstDispatch(Object channel) {
        try {
            Jetty9InFlight.Slot slot = IN_FLIGHT.find(channel);
            if (slot == null || slot.dispatched || !slot.request.inFlight()) {
                return -1;
            }
            slot.dispatched = true;
            return ServerRequest.allocationMark();
        } catch (Throwable t) {
            AgentErrors.record(Jetty9Hooks.COMPONENT, t);
            return -1;
        }
    }

    public static void handleReturned(long allocationMark, ServerRequest previous) {
        Jetty9Hooks.handlerReturned(allocationMark, previous);
    }

    /** {@code HttpChannel.handleException}: the first exception of a request is kept for {@link #requestCompleted}. */
    public static void threw(Object channel, Throwable failure) {
        try {
            Jetty9InFlight.Slot slot = IN_FLIGHT.find(channel);
            if (slot != null && slot.failure == null) {
                slot.failure = failure;
            }
        } catch (Throwable t) {
            AgentErrors.record(Jetty9Hooks.COMPONENT, t);
        }
    }

    /** {@code HttpChannel.onCompleted}: as {@link Jetty9Hooks#requestCompleted}; the channel's slot is given back. */
    public static void requestCompleted(Object channel, int status, long responseBodyBytes) {
        requestCompleted(IN_FLIGHT, channel, status, responseBodyBytes);
    }

    static void requestCompleted(Jetty9InFlight inFlight, Object channel, int status, long responseBodyBytes) {
        try {
            Jetty9InFlight.Slot slot = inFlight.find(channel);
            if (slot != null) {
                Jetty9Hooks.requestCompleted(slot.request, status, responseBodyBytes, slot.failure);
                inFlight.release(channel);
            }
        } catch (Throwable t) {
            AgentErrors.record(Jetty9Hooks.COMPONENT, t);
        }
    }

    /** The connection closed: a request of its channel still in flight ends here, without a response. */
    public static void connectionClosed(Object channel) {
        connectionClosed(IN_FLIGHT, channel);
    }

    static void connectionClosed(Jetty9InFlight inFlight, Object channel) {
        try {
            Jetty9InFlight.Slot slot = channel != null ? inFlight.find(channel) : null;
            if (slot != null) {
                slot.request.end(System.nanoTime());
                inFlight.release(channel);
            }
        } catch (Throwable t) {
            AgentErrors.record(Jetty9Hooks.COMPONENT, t);
        }
    }
}
