package io.tailwatch.agent.instrumentation.undertow;

import io.tailwatch.agent.recording.ServerRequest;
import io.undertow.server.AbstractServerConnection;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.servlet.handlers.ServletRequestContext;
import io.undertow.util.AttachmentKey;
import io.undertow.util.SameThreadExecutor;
import jakarta.servlet.DispatcherType;
import net.bytebuddy.asm.Advice;

/**
 * The advice woven into Undertow's classes when they were loaded before the agent: only method
 * bodies change, no field or interface is added. The agent's state for a connection is one of its
 * attachments (an {@link UndertowAttachedConnection}, under the key {@link UndertowAttachedHooks#slotKey}
 * makes), which each piece looks up (an identity map read with a constant key) and hands with
 * Undertow's objects to {@link UndertowAttachedHooks}.
 */
final class UndertowAttachedAdvice {
    private UndertowAttachedAdvice() {
    }

    /**
     * {@code HttpServerExchange(ServerConnection, long)}: an HTTP/1.1 (or AJP) read listener read the
     * first bytes of a request. A connection that has none gets its attachment here, once.
     */
    static final class ExchangeCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void exit(@Advice.This HttpServerExchange exchange, @Advice.Argument(0) ServerConnection connection) {
            if (connection instanceof HttpServerConnection) {
                AttachmentKey<Object> key = (AttachmentKey<Object>) UndertowAttachedHooks.slotKey(AttachmentKey.class);
                Object slot = connection.getAttachment(key);
                if (slot == null && key != null) {
                    connection.putAttachment(key, slot = UndertowAttachedHooks.newConnection());
                }
                UndertowAttachedHooks.exchangeCreated(slot, exchange);
            }
        }
    }

    /**
     * {@code HttpServerConnection.setCurrentExchange(exchange)}: a parsed request is about to be
     * handled. Its exchange may have been created before the attach: the attachment is made here then.
     */
    static final class ExchangeBegins {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void enter(@Advice.This HttpServerConnection connection, @Advice.Argument(0) HttpServerExchange exchange) {
            if (exchange != null) {
                AttachmentKey<Object> key = (AttachmentKey<Object>) UndertowAttachedHooks.slotKey(AttachmentKey.class);
                Object slot = connection.getAttachment(key);
                if (slot == null && key != null) {
                    connection.putAttachment(key, slot = UndertowAttachedHooks.newConnection());
                }
                UndertowAttachedHooks.begin(slot, exchange, exchange.getRequestMethod().toString(), exchange.getRequestContentLength());
            }
        }
    }

    /** {@code HttpReadListener.sendBadRequestAndClose(...)}: Undertow answers 400 itself. */
    static final class Rejected {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void enter(@Advice.FieldValue("connection") HttpServerConnection connection,
                          @Advice.FieldValue("httpServerExchange") HttpServerExchange parsing) {
            UndertowAttachedHooks.rejected(
                    connection.getAttachment((AttachmentKey<Object>) UndertowAttachedHooks.slotKey(AttachmentKey.class)),
                    parsing, parsing == null ? null : parsing.getRequestMethod().toString());
        }
    }

    /**
     * {@code Connectors.executeRootHandler(handler, exchange)}: publishes the request to routing
     * instrumentation while the root handler runs.
     */
    static final class RootHandler {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static ServerRequest enter(@Advice.Argument(1) HttpServerExchange exchange) {
            return UndertowAttachedHooks.publish(exchange.getConnection().getAttachment(
                    (AttachmentKey<Object>) UndertowAttachedHooks.slotKey(AttachmentKey.class)), exchange);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter ServerRequest previous) {
            UndertowAttachedHooks.unpublish(previous);
        }
    }

    /**
     * {@code HttpServerExchange.setInCall(boolean)}: true just before the root handler runs, false as
     * soon as it returns or throws, while the exchange still says whether the run dispatched it to
     * another thread.
     */
    static final class HandlerCall {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void enter(@Advice.This HttpServerExchange exchange, @Advice.Argument(0) boolean starting) {
            Object slot = exchange.getConnection().getAttachment(
                    (AttachmentKey<Object>) UndertowAttachedHooks.slotKey(AttachmentKey.class));
            if (starting) {
                UndertowAttachedHooks.handlerEntering(slot, exchange);
            } else {
                UndertowAttachedHooks.handlerReturned(slot, exchange, exchange.isInIoThread() && exchange.isDispatched()
                        && exchange.getDispatchExecutor() != SameThreadExecutor.INSTANCE);
            }
        }
    }

    /**
     * {@code HttpServerExchange.invokeExchangeCompleteListeners()}: the exchange is over. Called
     * again later it does nothing ({@code exchangeCompletionListenersCount} is then -1), and so
     * does the advice. What the root handler threw is looked up only for a 5xx response.
     */
    static final class ExchangeCompleted {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void enter(@Advice.This HttpServerExchange exchange,
                          @Advice.FieldValue("exchangeCompletionListenersCount") int listeners) {
            if (listeners >= 0) {
                Object slot = exchange.getConnection().getAttachment(
                        (AttachmentKey<Object>) UndertowAttachedHooks.slotKey(AttachmentKey.class));
                if (slot != null) {
                    int status = exchange.getStatusCode();
                    UndertowAttachedHooks.exchangeCompleted(slot, exchange, exchange.isResponseStarted() ? status : 0,
                            exchange.getResponseBytesSent(),
                            status >= 500 ? exchange.getAttachment(DefaultResponseListener.EXCEPTION) : null);
                }
            }
        }
    }

    /**
     * The close listener of {@code AbstractServerConnection} ({@code CloseSetter.handleEvent}), on
     * exit: Undertow has ended the current exchange, if it could.
     */
    static final class ConnectionClosed {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void exit(@Advice.FieldValue("this$0") AbstractServerConnection connection) {
            UndertowAttachedHooks.connectionClosed(
                    connection.getAttachment((AttachmentKey<Object>) UndertowAttachedHooks.slotKey(AttachmentKey.class)));
        }
    }

    /**
     * {@code ServletDispatchingHandler.handleRequest(exchange)}: a servlet or filter threw. Counted
     * for the request's own dispatch (or an async one), not for a forward or include, whose
     * exception the calling servlet may handle.
     */
    static final class ServletThrew {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        @SuppressWarnings("unchecked")
        static void exit(@Advice.Argument(0) HttpServerExchange exchange, @Advice.Thrown Throwable error) {
            if (error != null) {
                ServletRequestContext context = exchange.getAttachment(ServletRequestContext.ATTACHMENT_KEY);
                DispatcherType type = context == null ? null : context.getDispatcherType();
                if (type == DispatcherType.REQUEST || type == DispatcherType.ASYNC) {
                    UndertowAttachedHooks.handlerThrew(exchange.getConnection().getAttachment(
                            (AttachmentKey<Object>) UndertowAttachedHooks.slotKey(AttachmentKey.class)),
                            exchange, error, exchange.isComplete());
                }
            }
        }
    }
}
