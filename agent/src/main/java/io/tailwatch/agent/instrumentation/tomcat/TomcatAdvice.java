package io.tailwatch.agent.instrumentation.tomcat;

import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import net.bytebuddy.asm.Advice;
import org.apache.tomcat.util.net.AbstractEndpoint;
import org.apache.tomcat.util.net.SocketEvent;

/**
 * The advice woven into Tomcat: each piece hands Tomcat's objects to {@link TomcatHooks} and does
 * nothing else. It is compiled against Tomcat 11 and names only methods whose signatures Tomcat 9,
 * 10.1 and 11 share, and no servlet API type, so that the same bytes fit the javax and the jakarta
 * containers.
 *
 * <p>Tomcat's types appear only in the advice bodies, never in their signatures: Byte Buddy reads
 * the signatures of an advice class by reflection, which would load Tomcat's classes from the
 * agent's class loader (the wrong one in a packaged application, and a duplicate definition when
 * the class being transformed is the one named).
 */
final class TomcatAdvice {
    private TomcatAdvice() {
    }

    /** {@code SocketWrapperBase(socket, endpoint)}: an accepted connection gets its wrapper. */
    static final class WrapperCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue(value = TomcatInstrumentation.CONNECTION_FIELD, readOnly = false)
                         ServerConnection connection) {
            connection = TomcatHooks.connectionOpened();
        }
    }

    /**
     * {@code SocketWrapperBase.close()}. Taken on exit: the close first releases the connection's
     * processor, which ends a request still in flight, so that the connection counts it.
     */
    static final class WrapperClosed {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue(TomcatInstrumentation.CONNECTION_FIELD) ServerConnection connection) {
            TomcatHooks.connectionClosed(connection);
        }
    }

    /**
     * {@code AbstractEndpoint.processSocket(wrapper, event, dispatch)}: the poller saw the connection
     * readable and hands it to the executor, where it may wait for a worker.
     */
    static final class ProcessSocket {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object socketWrapper, @Advice.Argument(1) Object event) {
            if (event == SocketEvent.OPEN_READ) {
                TomcatHooks.readable(socketWrapper);
            }
        }
    }

    /** {@code SocketProcessorBase.run()}: a worker starts on the connection. */
    static final class SocketProcessorRun {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("socketWrapper") Object socketWrapper) {
            TomcatHooks.workerStarted(socketWrapper);
        }
    }

    /**
     * {@code Http11InputBuffer.parseRequestLine(...)}: a call that starts with nothing of a request
     * read and ends with its first bytes read (or the whole line) began a new request. A call that
     * finds no bytes, or an HTTP/2 preface (phase -1), did not.
     */
    static final class ParseRequestLine {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static boolean enter(@Advice.FieldValue("parsingRequestLine") boolean parsing,
                             @Advice.FieldValue("parsingRequestLinePhase") int phase) {
            return parsing && phase == 0;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter boolean fresh, @Advice.Return boolean complete,
                         @Advice.FieldValue("parsingRequestLinePhase") int phase,
                         @Advice.FieldValue("wrapper") Object socketWrapper, @Advice.FieldValue("request") Object request) {
            if (fresh && (complete || phase > 0)) {
                TomcatHooks.requestStarted(socketWrapper, request);
            }
        }
    }

    /**
     * {@code Http11Processor.prepareRequest()}: the request's headers are read and checked. Taken on
     * exit, also when it threw: Tomcat then answers the request itself (400, 500), and counts it.
     */
    static final class RequestPrepared {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("socketWrapper") Object socketWrapper,
                         @Advice.FieldValue("request") Object request) {
            org.apache.coyote.Request coyote = (org.apache.coyote.Request) request;
            long contentLength = -1;
            try {
                contentLength = coyote.getContentLengthLong();
            } catch (RuntimeException invalid) {
                // Tomcat answers 400 for it; the request is still counted, without a body size.
            }
            TomcatHooks.requestParsed(socketWrapper, request, coyote.getMethod(), contentLength);
        }
    }

    /** {@code Http11Processor.prepareResponse()}: the status line is about to be written. */
    static final class ResponseCommitted {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("request") Object request,
                          @Advice.FieldValue("response") Object response) {
            TomcatHooks.responseCommitted(request, ((org.apache.coyote.Response) response).getStatus());
        }
    }

    /**
     * {@code Request.updateCounters()} and {@code Request.recycle()} of coyote: the first is where
     * Tomcat counts a finished request (after the response's last byte, on whatever thread finished
     * it), the second catches a request that ends without being counted. The advice only calls
     * {@link RequestEndedBody}, added to the class as a method of its own: inlined, that body grew
     * {@code recycle()} by 39 bytes of bytecode, Tomcat 9's from 299 to 338, past the 325 up to which
     * C2 inlines a hot method into its caller ({@code InlineBudgetTest}).
     */
    static final class RequestEnded {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object request) {
            ((CoyoteRequestAccess) request).tailwatch$requestEnded();
        }
    }

    /** The body of {@link CoyoteRequestAccess#tailwatch$requestEnded}. */
    static final class RequestEndedBody {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue(TomcatInstrumentation.REQUEST_FIELD) ServerRequest serverRequest,
                          @Advice.This Object request) {
            if (serverRequest != null && serverRequest.inFlight()) {
                TomcatHooks.requestEnded(serverRequest, ((org.apache.coyote.Request) request).getResponse().getContentWritten());
            }
        }
    }

    /** {@code StandardWrapperValve.exception(request, response, throwable, status)}: the servlet or a filter threw. */
    static final class ApplicationThrew {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object request, @Advice.Argument(2) Throwable error,
                          @Advice.Argument(3) int errorCode) {
            TomcatHooks.applicationThrew(((org.apache.catalina.connector.Request) request).getCoyoteRequest(), error, errorCode);
        }
    }

    /** {@code CoyoteAdapter.service(request, response)}: the application handles the request on this thread. */
    static final class AdapterService {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return TomcatHooks.handlerEntered();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long allocationMark) {
            TomcatHooks.handlerReturned(allocationMark);
        }
    }

    /**
     * {@code CoyoteAdapter.service} and {@code asyncDispatch}: the request is published to routing
     * frameworks while the application runs on this thread.
     */
    static final class AdapterPublish {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static ServerRequest enter(@Advice.Argument(0) Object request) {
            return TomcatHooks.publish(request);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter ServerRequest previous) {
            TomcatHooks.unpublish(previous);
        }
    }

    /** {@code AbstractEndpoint.start()} returned: the endpoint is bound and has its executor. */
    static final class EndpointStarted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object endpoint) {
            AbstractEndpoint<?, ?> started = (AbstractEndpoint<?, ?>) endpoint;
            TomcatHooks.endpointStarted(started.getExecutor(), started.getLocalPort());
        }
    }

    /** {@code AbstractEndpoint.shutdownExecutor()}. */
    static final class ExecutorShutdown {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object endpoint) {
            TomcatHooks.executorShutdown(((AbstractEndpoint<?, ?>) endpoint).getExecutor());
        }
    }
}
