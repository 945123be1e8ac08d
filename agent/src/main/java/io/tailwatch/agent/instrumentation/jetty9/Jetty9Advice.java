package io.tailwatch.agent.instrumentation.jetty9;

import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnector;

import java.nio.channels.SelectionKey;

/**
 * The advice woven into Jetty 9.4's classes: each piece reads what it needs of Jetty's objects and
 * hands plain values to {@link Jetty9Hooks}. It is compiled against Jetty 12 and calls only methods
 * whose owner, kind and descriptor are the same in Jetty 9.4 (see {@link Jetty9Instrumentation});
 * the rest comes from fields of the instrumented class itself. Parameters are declared
 * {@code Object} and cast in the body, as in the Jetty 12 advice: a cast is resolved by the Jetty
 * class it is inlined into.
 */
final class Jetty9Advice {
    private Jetty9Advice() {
    }

    /** {@code ManagedSelector$Accept(...)}: created on the acceptor thread right after the accept. */
    static final class AcceptCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue(value = Jetty9Instrumentation.ACCEPTED_FIELD, readOnly = false) long acceptedNanos) {
            acceptedNanos = System.nanoTime();
        }
    }

    /** {@code ManagedSelector$Accept.run()}: a pool thread creates the socket's endpoint and connection. */
    static final class AcceptRun {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue(Jetty9Instrumentation.ACCEPTED_FIELD) long acceptedNanos) {
            Jetty9Hooks.acceptTaskStarted(acceptedNanos);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit() {
            Jetty9Hooks.acceptTaskEnded();
        }
    }

    /**
     * {@code HttpConnection.onOpen()}, taken on entry: {@code onOpen} asks the selector to watch the
     * socket, and the selector thread may see it readable before {@code onOpen} returns.
     */
    static final class ConnectionOpened {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object httpConnection,
                          @Advice.FieldValue(value = Jetty9Instrumentation.CONNECTION_FIELD, readOnly = false) ServerConnection connection,
                          @Advice.FieldValue(value = Jetty9Instrumentation.SELECTOR_FOLLOWS_FIELD, readOnly = false) boolean selectorFollows) {
            Object endPoint = ((Connection) httpConnection).getEndPoint();
            connection = Jetty9Hooks.connectionOpened(connection, endPoint);
            selectorFollows = Jetty9Hooks.selectorFollows(endPoint);
        }
    }

    /**
     * {@code HttpConnection.onFillable()}: the connection reads. Only marks it readable where the
     * selector does not watch its socket for the agent (TLS: the endpoint is a decrypting wrapper).
     */
    static final class ConnectionFilling {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue(Jetty9Instrumentation.CONNECTION_FIELD) ServerConnection connection,
                          @Advice.FieldValue(Jetty9Instrumentation.SELECTOR_FOLLOWS_FIELD) boolean selectorFollows) {
            if (connection != null && !selectorFollows) {
                Jetty9Hooks.filling(connection);
            }
        }
    }

    /** {@code ChannelEndPoint.onSelected()}: the selector thread found the socket ready. */
    static final class EndPointSelected {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue(Jetty9Instrumentation.CONNECTION_FIELD) ServerConnection connection,
                          @Advice.FieldValue(Jetty9Instrumentation.ACCEPT_QUEUED_FIELD) boolean acceptQueued,
                          @Advice.FieldValue("_key") Object key) {
            if (connection != null) {
                Jetty9Hooks.selected(connection, ((SelectionKey) key).readyOps(), acceptQueued);
            }
        }
    }

    /** {@code HttpConnection.onClose()}: the connection closed. */
    static final class ConnectionClosed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue(Jetty9Instrumentation.CONNECTION_FIELD) ServerConnection connection,
                          @Advice.FieldValue("_channel") Object channel) {
            Jetty9Hooks.connectionClosed(connection, channel);
        }
    }

    /** {@code HttpChannel.onRequest(MetaData.Request)}: the request's head is parsed. */
    static final class RequestStarted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("_endPoint") Object endPoint, @Advice.Argument(0) Object head,
                         @Advice.FieldValue(value = Jetty9Instrumentation.REQUEST_FIELD, readOnly = false) ServerRequest request,
                         @Advice.FieldValue(value = Jetty9Instrumentation.DISPATCHED_FIELD, readOnly = false) boolean dispatched,
                         @Advice.FieldValue(value = Jetty9Instrumentation.FAILURE_FIELD, readOnly = false) Throwable failure) {
            MetaData.Request metaData = (MetaData.Request) head;
            dispatched = false;
            failure = null;
            request = Jetty9Hooks.requestStarted(request, ((EndPoint) endPoint).getConnection(),
                    metaData.getMethod(), metaData.getContentLength());
        }
    }

    /**
     * {@code HttpChannel.handle()}: a thread runs the channel: the request's dispatch to the
     * application first, then its async dispatches, error dispatches and completion, on whatever
     * thread resumes it. The first call of a request is where a thread started on it; every call
     * publishes the request to routing frameworks while it runs.
     */
    static final class Handled {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.FieldValue(Jetty9Instrumentation.REQUEST_FIELD) ServerRequest request,
                          @Advice.FieldValue(value = Jetty9Instrumentation.DISPATCHED_FIELD, readOnly = false) boolean dispatched,
                          @Advice.Local("previous") ServerRequest previous) {
            previous = Jetty9Hooks.publish(request);
            if (dispatched) {
                return -1;
            }
            dispatched = true;
            return Jetty9Hooks.handlerStarted(request);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long allocationMark, @Advice.Local("previous") ServerRequest previous) {
            Jetty9Hooks.handlerReturned(allocationMark, previous);
        }
    }

    /**
     * {@code HttpChannel.handleException(Throwable)}: the application (or Jetty) threw while the
     * channel ran; Jetty answers it with an error page, usually 500. The first of a request is kept
     * for {@link Completed}, which knows the status the client got.
     */
    static final class HandlerThrew {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Throwable thrown,
                          @Advice.FieldValue(value = Jetty9Instrumentation.FAILURE_FIELD, readOnly = false) Throwable failure) {
            if (failure == null) {
                failure = thrown;
            }
        }
    }

    /**
     * {@code HttpChannel.onCompleted()}: the response's last write completed (or failed). Taken on
     * entry: the method goes on to the request log and then recycles the channel for the
     * connection's next request.
     */
    static final class Completed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue(Jetty9Instrumentation.REQUEST_FIELD) ServerRequest request,
                          @Advice.FieldValue(Jetty9Instrumentation.FAILURE_FIELD) Throwable failure,
                          @Advice.FieldValue("_committedMetaData") Object committed,
                          @Advice.FieldValue("_written") long written) {
            if (request != null) {
                Jetty9Hooks.requestCompleted(request, committed != null ? ((MetaData.Response) committed).getStatus() : 0,
                        written, failure);
            }
        }
    }

    /** {@code ServerConnector.doStart()}: its port is bound and its executor fixed. */
    static final class ConnectorStarted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object connector) {
            Jetty9Hooks.connectorStarted(((Connector) connector).getExecutor(), ((NetworkConnector) connector).getLocalPort());
        }
    }

    /** {@code ServerConnector.doStop()}. */
    static final class ConnectorStopping {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object connector) {
            Jetty9Hooks.connectorStopping(((Connector) connector).getExecutor());
        }
    }
}
