package io.tailwatch.agent.instrumentation.jetty;

import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.internal.HttpChannelState;

/**
 * The advice woven into Jetty 12's classes when they were loaded before the agent
 * ({@link JettyInstrumentation#extendLoaded}): only method bodies change. Nothing is kept between
 * a request's events except what Jetty's own request holds: the measurement is taken whole where the
 * request completes, from Jetty's request and response, and the two facts Jetty does not keep (what
 * the handler threw, that Jetty wrote its own 404 page) ride on the request as attributes, set only
 * on those paths. Parameters are {@code Object} and cast in the body, as in {@link JettyAdvice}.
 */
final class JettyAttachedAdvice {
    private JettyAttachedAdvice() {
    }

    /**
     * {@code HttpChannelState.completeStream(HttpStream, Throwable)}: the one place Jetty succeeds or
     * fails the stream, once per request, on whatever thread completed it; taken on entry, before
     * the channel is recycled and the connection's next request starts on this thread.
     */
    static final class StreamCompleted {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("_request") Object channelRequest, @Advice.FieldValue("_response") Object channelResponse,
                          @Advice.Argument(0) Object stream, @Advice.Argument(1) Throwable failure) {
            if (channelRequest != null && channelResponse != null) {
                HttpChannelState.ChannelRequest request = (HttpChannelState.ChannelRequest) channelRequest;
                HttpChannelState.ChannelResponse response = (HttpChannelState.ChannelResponse) channelResponse;
                boolean answered = failure == null || (stream != null && ((HttpStream) stream).isCommitted());
                JettyAttachedHooks.requestCompleted(request.getBeginNanoTime(), request.getHeadersNanoTime(), request.getMethod(),
                        request.getLength(), answered ? response.getStatus() : 0, response.getContentBytesWritten(),
                        request.getAttribute(JettyAttachedHooks.THROWN_ATTRIBUTE),
                        request.getAttribute(JettyAttachedHooks.UNHANDLED_ATTRIBUTE) != null);
            }
        }
    }

    /** {@code HttpChannelState$ChannelCallback.failed(Throwable)}: the handler threw or failed the request. */
    static final class CallbackFailed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("_request") Object channelRequest, @Advice.Argument(0) Throwable failure) {
            if (channelRequest != null && JettyAttachedHooks.kept(failure,
                    failure instanceof HttpException ? ((HttpException) failure).getCode() : 500)) {
                Request request = (Request) channelRequest;
                if (request.getAttribute(JettyAttachedHooks.THROWN_ATTRIBUTE) == null) {
                    request.setAttribute(JettyAttachedHooks.THROWN_ATTRIBUTE, failure);
                }
            }
        }
    }

    /** {@code ServletChannel.handleException(Throwable)} (ee10, ee11): a servlet threw; the servlet layer answers it. */
    static final class ServletThrew {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("_request") Object servletRequest, @Advice.Argument(0) Throwable failure) {
            if (servletRequest != null && JettyAttachedHooks.kept(failure,
                    failure instanceof HttpException ? ((HttpException) failure).getCode() : 500)) {
                Request request = Request.unWrap((Request) servletRequest);
                if (request.getAttribute(JettyAttachedHooks.THROWN_ATTRIBUTE) == null) {
                    request.setAttribute(JettyAttachedHooks.THROWN_ATTRIBUTE, failure);
                }
            }
        }
    }

    /** {@code Server.handle(Request, Response, Callback)} returned false: Jetty writes its own 404 page. */
    static final class ServerHandled {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return boolean handled, @Advice.Argument(0) Object request) {
            if (!handled && request != null) {
                Request.unWrap((Request) request).setAttribute(JettyAttachedHooks.UNHANDLED_ATTRIBUTE, Boolean.TRUE);
            }
        }
    }

    /** {@code HttpChannelState$HandlerInvoker.run()}: a thread runs the handlers; what it allocates meanwhile is measured. */
    static final class HandlerInvoked {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return JettyAttachedHooks.handlerStarted();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long allocationMark) {
            JettyAttachedHooks.handlerReturned(allocationMark);
        }
    }
}
