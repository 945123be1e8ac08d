package io.tailwatch.agent.instrumentation.tomcat;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.CurrentRequest;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * What the Tomcat advice calls when Tomcat's classes were loaded before the agent
 * ({@link TomcatInstrumentation#extendLoaded}): the events of {@link TomcatHooks}, with the request's
 * state in a {@link TomcatAttachedRequest} kept in the coyote request's note {@link #NOTE} instead
 * of a field the agent adds. The advice reads the note and hands it here as {@code Object} (this
 * class lives in the bootstrap loader and sees no Tomcat type). Never throws.
 */
public final class TomcatAttachedHooks {
    /**
     * The coyote request's note slot the agent uses. Tomcat reserves notes 0 to 8 for the servlet
     * container (Catalina's {@code CoyoteAdapter.ADAPTER_NOTES} is 1, {@code Request.NOTE_BAD_REQUEST}
     * 2) and 9 to 16 for connectors, and leaves 17 to 31 ({@code Constants.MAX_NOTES} is 32) unused.
     */
    public static final int NOTE = 29;

    private TomcatAttachedHooks() {
    }

    /**
     * The read of the request line is about to start ({@code parseRequestLine}): the time the
     * clock starts if it reads the first bytes of a new request, 0 if it continues one.
     */
    public static long reading(boolean parsingRequestLine, int phase) {
        return parsingRequestLine && phase == 0 ? System.nanoTime() : 0;
    }

    /**
     * The read of a new request's first bytes, started at {@code readStartNanos}, returned.
     *
     * @param note the coyote request's {@link #NOTE}, null before its first request since the attach
     * @return what the note is to hold: the same state, or new state for a request without any
     */
    public static Object requestStarted(Object note, long readStartNanos) {
        try {
            TomcatAttachedRequest state = note instanceof TomcatAttachedRequest ? (TomcatAttachedRequest) note : new TomcatAttachedRequest();
            state.readStartNanos = readStartNanos;
            return state;
        } catch (Throwable t) {
            AgentErrors.record(TomcatHooks.COMPONENT, t);
            return note;
        }
    }

    /**
     * The request line and headers are parsed; the adapter (the servlet container) is next. A
     * request whose reading began before the attach has no state and is not counted.
     */
    public static void requestParsed(Object note, String method, long contentLength) {
        if (!(note instanceof TomcatAttachedRequest)) {
            return;
        }
        try {
            TomcatAttachedRequest state = (TomcatAttachedRequest) note;
            long start = state.readStartNanos;
            state.readStartNanos = 0;
            state.request.begin(null, start != 0 ? start : System.nanoTime(), method, contentLength);
        } catch (Throwable t) {
            AgentErrors.record(TomcatHooks.COMPONENT, t);
        }
    }

    /** The response is being committed with this status. */
    public static void responseCommitted(Object note, int status) {
        ServerRequest request = request(note);
        if (request != null) {
            request.status(status);
        }
    }

    /** The servlet container caught what the application threw; see {@link TomcatHooks#applicationThrew}. */
    public static void applicationThrew(Object note, Throwable error, int errorCode) {
        ServerRequest request = request(note);
        if (request != null && errorCode >= 500) {
            request.threw(error);
        }
    }

    /** Whether the note holds a request in flight: the advice reads the response's size only then. */
    public static boolean inFlight(Object note) {
        ServerRequest request = request(note);
        return request != null && request.inFlight();
    }

    /** Tomcat counts the request done, or recycles it; see {@link TomcatHooks#requestEnded}. */
    public static void requestEnded(Object note, long responseBodyBytes) {
        TomcatHooks.requestEnded(request(note), responseBodyBytes);
    }

    /** Publishes the request to routing frameworks while the application runs on this thread. */
    public static ServerRequest publish(Object note) {
        return CurrentRequest.enter(request(note));
    }

    private static ServerRequest request(Object note) {
        return note instanceof TomcatAttachedRequest ? ((TomcatAttachedRequest) note).request : null;
    }
}
