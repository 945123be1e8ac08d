package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.recording.AgentErrors;
import io.tailwatch.agent.recording.HttpMethods;
import io.tailwatch.agent.recording.Recording;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * What the Jetty 12 advice calls when Jetty's classes were loaded before the agent
 * ({@link JettyAttachedAdvice}): a request is recorded whole when it completes, from what Jetty's
 * request and response hold. Its clock starts at Jetty's own begin time of the request (when the
 * parser took the request's first bytes), so a request is counted once, at its completion, from the
 * attach on, whichever thread completes it. Never throws.
 *
 * <p>Threads and allocation: each completing thread records into a {@link ServerRequest} of its
 * own, reused, begun and ended within the one call, so the request path allocates nothing; the
 * requests in flight are therefore not counted (it rises and falls within the call). A request whose
 * handler threw, or that no handler took, carries that as a request attribute: Jetty allocates the
 * attribute map then, on those paths only.
 */
public final class JettyAttachedHooks {
    /** The request attribute holding what its handler threw, when the response is a 5xx. */
    public static final String THROWN_ATTRIBUTE = "io.tailwatch.agent.thrown";
    /** The request attribute marking a request no handler took, answered with Jetty's own 404 page. */
    public static final String UNHANDLED_ATTRIBUTE = "io.tailwatch.agent.unhandled";

    private static final ThreadLocal<ServerRequest> RECORDER = ThreadLocal.withInitial(ServerRequest::new);

    private JettyAttachedHooks() {
    }

    /**
     * Whether a failure Jetty answers with {@code status} is the request's {@code error_type}: only
     * those answered with a 5xx (an {@code HttpException(404)} is an ordinary 404).
     */
    public static boolean kept(Throwable failure, int status) {
        return failure != null && status >= 500 && Recording.current() != null;
    }

    /**
     * The request completed: its response's last write is done, or the exchange failed.
     *
     * @param beginNanos   Jetty's begin time of the request ({@code Request.getBeginNanoTime})
     * @param headersNanos when its headers were parsed, used where the begin time is unset
     * @param status       the status the client received; 0 if the exchange failed before the response was committed
     * @param thrown       the {@link #THROWN_ATTRIBUTE} attribute, or null
     * @param unhandled    whether Jetty answered with its own 404 page, which is not the application's body
     */
    public static void requestCompleted(long beginNanos, long headersNanos, String method, long requestLength, int status,
                                        long responseBodyBytes, Object thrown, boolean unhandled) {
        try {
            Recording r = Recording.current();
            if (r == null) {
                return;
            }
            long now = System.nanoTime();
            long start = beginNanos != 0 && now - beginNanos >= 0 ? beginNanos : headersNanos;
            ServerRequest request = RECORDER.get();
            request.begin(r.http(), null, start, HttpMethods.indexOf(method), requestLength);
            request.status(status);
            if (unhandled) {
                request.responseBodyUnmeasured();
            } else {
                request.responseBodyWritten(responseBodyBytes);
            }
            if (thrown instanceof Throwable) {
                request.threw((Throwable) thrown);
            }
            request.end(now);
        } catch (Throwable t) {
            AgentErrors.record(JettyHooks.COMPONENT, t);
        }
    }

    /** A thread starts the request's handlers; returns its allocation mark for {@link #handlerReturned}, -1 for none. */
    public static long handlerStarted() {
        try {
            return Recording.current() != null ? ServerRequest.allocationMark() : -1;
        } catch (Throwable t) {
            AgentErrors.record(JettyHooks.COMPONENT, t);
            return -1;
        }
    }

    public static void handlerReturned(long allocationMark) {
        try {
            if (allocationMark >= 0) {
                ServerRequest.handlerReturned(allocationMark);
            }
        } catch (Throwable t) {
            AgentErrors.record(JettyHooks.COMPONENT, t);
        }
    }
}
