package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpChannelState;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.VirtualThreads;

import java.nio.channels.SelectionKey;
import java.util.concurrent.Executor;

/**
 * The advice woven into Jetty 12's own classes: each piece reads what it needs of Jetty's objects
 * (it is inlined there, so it may use their types) and hands plain values to {@link JettyHooks}.
 * Jetty's types appear only here: the hooks live in the bootstrap class loader, which cannot see them.
 * Parameters are declared {@code Object} and cast in the body: Byte Buddy resolves a parameter's
 * declared type when it weaves, from the agent's class path, which need not see Jetty (an
 * application's own class loader, a fat jar), whereas a cast is resolved by the Jetty class itself.
 */
final class JettyAdvice {
    private JettyAdvice() {
    }

    /** {@code ManagedSelector$Accept(...)}: created on the accepting thread right after the accept. */
    static final class AcceptCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue(value = JettyInstrumentation.ACCEPTED_FIELD, readOnly = false) long acceptedNanos) {
            acceptedNanos = System.nanoTime();
        }
    }

    /** {@code ManagedSelector$Accept.run()}: a pool thread creates the socket's endpoint and connection. */
    static final class AcceptRun {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue(JettyInstrumentation.ACCEPTED_FIELD) long acceptedNanos) {
            JettyHooks.acceptTaskStarted(acceptedNanos);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit() {
            JettyHooks.acceptTaskEnded();
        }
    }

    /**
     * {@code HttpConnection.onOpen()}, taken on entry: {@code onOpen} asks the selector to watch the
     * socket, and the selector thread may see it readable before {@code onOpen} returns.
     */
    static final class ConnectionOpened {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object httpConnection,
                          @Advice.FieldValue(value = JettyInstrumentation.CONNECTION_FIELD, readOnly = false) ServerConnection connection) {
            connection = JettyHooks.connectionOpened(connection);
            EndPoint endPoint = ((HttpConnection) httpConnection).getEndPoint();
            for (int depth = 0; depth < 8 && endPoint instanceof EndPoint.Wrapper; depth++) {
                endPoint = ((EndPoint.Wrapper) endPoint).unwrap();
            }
            JettyHooks.endPointOpened(endPoint, connection);
        }
    }

    /** {@code SelectableChannelEndPoint.onSelected()}: the selector thread found the socket ready. */
    static final class EndPointSelected {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue(JettyInstrumentation.CONNECTION_FIELD) ServerConnection connection,
                          @Advice.FieldValue(JettyInstrumentation.ACCEPT_QUEUED_FIELD) boolean acceptQueued,
                          @Advice.FieldValue("_key") Object key) {
            if (connection != null) {
                JettyHooks.selected(connection, ((SelectionKey) key).readyOps(), acceptQueued);
            }
        }
    }

    /** {@code AbstractConnection.onClose(Throwable)}: any Jetty connection closed; the hooks pick HTTP ones. */
    static final class ConnectionClosed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object connection) {
            JettyHooks.connectionClosed(connection);
        }
    }

    /**
     * {@code HttpChannelState.onRequest(MetaData.Request)}: the request's head is parsed. The advice
     * only calls {@link RequestStartedBody}, added to the class as a method of its own: inlined here,
     * that body grew {@code onRequest} from 276 to 333 bytes of bytecode, past the 325 up to which C2
     * inlines a hot method into its caller ({@code InlineBudgetTest}); it is 313 so. The same goes
     * for {@link StreamCompleted}: 289 to 367 bytes inlined, 305 so.
     */
    static final class RequestStarted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object channelState, @Advice.Argument(0) Object head) {
            ((JettyChannelAccess) channelState).tailwatch$requestStarted(head);
        }
    }

    /** The body of {@link JettyChannelAccess#tailwatch$requestStarted}. */
    static final class RequestStartedBody {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("_connectionMetaData") Object connectionMeta, @Advice.Argument(0) Object head,
                          @Advice.FieldValue(value = JettyInstrumentation.REQUEST_FIELD, readOnly = false) ServerRequest request) {
            MetaData.Request metaData = (MetaData.Request) head;
            request = JettyHooks.requestStarted(request, connectionMeta, metaData.getMethod(), metaData.getContentLength());
        }
    }

    /**
     * {@code HttpChannelState$HandlerInvoker.run()}: a thread runs the server's handlers for the
     * request, which is published as the thread's current request meanwhile.
     */
    static final class HandlerInvoked {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.FieldValue("this$0") Object channelState,
                          @Advice.Local("previous") ServerRequest previous) {
            previous = JettyHooks.publish(channelState);
            return JettyHooks.handlerStarted(channelState);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long allocationMark, @Advice.Local("previous") ServerRequest previous) {
            JettyHooks.handlerReturned(allocationMark, previous);
        }
    }

    /**
     * {@code HttpChannelState$ChannelCallback.failed(Throwable)}: the request failed; a handler that
     * throws ends here too, as Jetty fails the callback with what it threw and answers 500.
     */
    static final class CallbackFailed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("_request") Object channelRequest, @Advice.Argument(0) Throwable failure) {
            JettyHooks.requestFailed(channelRequest, failure,
                    failure instanceof HttpException ? ((HttpException) failure).getCode() : 500);
        }
    }

    /**
     * {@code HttpChannelState.completeStream(HttpStream, Throwable)}: the response is complete (its
     * last write done) or failed. Taken on entry: the method ends by handing the stream back to the
     * connection, which may start the connection's next request on this very thread.
     */
    static final class StreamCompleted {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object channelState, @Advice.Argument(0) Object stream, @Advice.Argument(1) Throwable failure) {
            ((JettyChannelAccess) channelState).tailwatch$streamCompleted(stream, failure);
        }
    }

    /** The body of {@link JettyChannelAccess#tailwatch$streamCompleted}. */
    static final class StreamCompletedBody {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue(JettyInstrumentation.REQUEST_FIELD) ServerRequest request,
                          @Advice.FieldValue("_response") Object channelResponse,
                          @Advice.Argument(0) Object stream, @Advice.Argument(1) Throwable failure) {
            if (request != null && channelResponse != null) {
                HttpChannelState.ChannelResponse response = (HttpChannelState.ChannelResponse) channelResponse;
                boolean answered = failure == null || (stream != null && ((HttpStream) stream).isCommitted());
                JettyHooks.requestCompleted(request, answered ? response.getStatus() : 0, response.getContentBytesWritten());
            }
        }
    }

    /**
     * {@code ServletChannel.handleException(Throwable)} (ee10, and ee11 which forked it with the same
     * field and method): a servlet threw, which the servlet
     * layer answers itself (an error page, usually 500) without failing the core callback.
     */
    static final class ServletThrew {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("_request") Object request, @Advice.Argument(0) Throwable failure) {
            if (request != null) {
                JettyHooks.requestFailed(Request.unWrap((Request) request), failure,
                        failure instanceof HttpException ? ((HttpException) failure).getCode() : 500);
            }
        }
    }

    /**
     * {@code Server.handle(Request, Response, Callback)}: no handler took the request, so Jetty
     * writes its own 404 page, which is not the application's response body.
     */
    static final class ServerHandled {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return boolean handled, @Advice.Argument(0) Object request) {
            if (!handled && request != null) {
                JettyHooks.unhandled(Request.unWrap((Request) request));
            }
        }
    }

    /** {@code ServerConnector.doStart()}: its port is bound and its executor fixed. */
    static final class ConnectorStarted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object serverConnector) {
            ServerConnector connector = (ServerConnector) serverConnector;
            Executor executor = connector.getExecutor();
            JettyHooks.connectorStarted(executor, connector.getLocalPort(), VirtualThreads.isUseVirtualThreads(executor));
        }
    }

    /** {@code ServerConnector.doStop()}. */
    static final class ConnectorStopping {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object connector) {
            JettyHooks.connectorStopping(((ServerConnector) connector).getExecutor());
        }
    }
}
