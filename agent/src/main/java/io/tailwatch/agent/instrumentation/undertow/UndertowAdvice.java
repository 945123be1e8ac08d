package io.tailwatch.agent.instrumentation.undertow;

import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;
import io.undertow.Undertow;
import io.undertow.server.DefaultResponseListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.servlet.handlers.ServletRequestContext;
import io.undertow.util.SameThreadExecutor;
import jakarta.servlet.DispatcherType;
import net.bytebuddy.asm.Advice;

import java.util.List;

/**
 * The advice woven into Undertow: each piece reads what only Undertow's API can tell and hands it
 * to {@link UndertowHooks}. Inlined into Undertow's classes, it may use Undertow's types; the
 * hooks may not (they live in the bootstrap class loader).
 */
final class UndertowAdvice {
    private UndertowAdvice() {
    }

    /** {@code Undertow.start()} returned: its worker and listeners exist. */
    static final class ServerStarted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Undertow undertow) {
            List<Undertow.ListenerInfo> listeners = undertow.getListenerInfo();
            UndertowHooks.serverStarted(undertow.getWorker(), listeners.isEmpty() ? null : listeners.get(0).getAddress());
        }
    }

    /** {@code Undertow.stop()}, before it lets go of its worker. */
    static final class ServerStopped {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("worker") Object worker) {
            UndertowHooks.serverStopped(worker);
        }
    }

    /** {@code HttpServerConnection(...)}: an accepted HTTP/1.1 connection. */
    static final class ConnectionCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue(value = UndertowInstrumentation.CONNECTION_FIELD, readOnly = false) ServerConnection connection,
                         @Advice.FieldValue(value = UndertowInstrumentation.REQUEST_FIELD, readOnly = false) ServerRequest request) {
            connection = UndertowHooks.connectionOpened();
            request = UndertowHooks.requestFor(connection);
        }
    }

    /**
     * {@code HttpReadListener.handleEvent(channel)}: the I/O thread found the connection readable.
     * With bytes left over from the previous read (a pipelined request) nothing new arrived: that
     * request has waited since its predecessor ended.
     */
    static final class Readable {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("connection") HttpServerConnection connection) {
            if (connection.getExtraBytes() == null) {
                UndertowHooks.readable(connection);
            }
        }
    }

    /**
     * {@code NioSocketConduit.handleReady(ops)}: XNIO's I/O thread serves a connection its select
     * returned. Its loop serves them inline in {@code WorkerThread.run()}, which never returns, so
     * the first connection served after the loop's tasks marks the wake-up.
     */
    static final class IoThreadServesReady {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            UndertowHooks.ioThreadServesReady();
        }
    }

    /** {@code WorkerThread.safeRun(task)}: the I/O thread runs its tasks (at least once, with none) before it selects again. */
    static final class IoThreadRunsTasks {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            UndertowHooks.ioThreadRunsTasks();
        }
    }

    /** {@code HttpReadListener.sendBadRequestAndClose(...)}: Undertow answers 400 itself. */
    static final class Rejected {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("connection") Object connection,
                          @Advice.FieldValue("httpServerExchange") HttpServerExchange parsing) {
            UndertowHooks.rejected(connection, parsing == null ? null : parsing.getRequestMethod().toString());
        }
    }

    /** {@code HttpServerConnection.setCurrentExchange(exchange)}: a parsed request is about to be handled. */
    static final class ExchangeBegins {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) HttpServerExchange exchange,
                          @Advice.FieldValue(UndertowInstrumentation.CONNECTION_FIELD) ServerConnection connection,
                          @Advice.FieldValue(UndertowInstrumentation.REQUEST_FIELD) ServerRequest request) {
            if (exchange != null && request != null) {
                UndertowHooks.begin(connection, request, exchange, exchange.getRequestMethod().toString(),
                        exchange.getRequestContentLength());
            }
        }
    }

    /** {@code XnioWorker(builder)}: the worker pool a server's handlers run on. */
    static final class WorkerCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue(value = UndertowInstrumentation.BUSY_FIELD, readOnly = false) BusyWorkers busy) {
            busy = UndertowHooks.newBusyWorkers();
        }
    }

    /**
     * {@code Connectors.executeRootHandler(handler, exchange)}: on a worker thread, counts the
     * thread busy while the handler runs; publishes the request to routing instrumentation. The
     * advice only calls {@link RootHandlerEnteredBody} and {@link RootHandlerReturnedBody}, added to
     * the exchange as methods of their own: inlined, they grew {@code executeRootHandler} from 251 to
     * 354 bytes of bytecode, past the 325 up to which C2 inlines a hot method into its caller
     * ({@code InlineBudgetTest}).
     */
    static final class RootHandler {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static ServerRequest enter(@Advice.Argument(1) Object exchange) {
            return ((ExchangeAccess) exchange).tailwatch$rootHandlerEntered();
        }

        // Without backupArguments = false Byte Buddy would copy the arguments to new locals for this,
        // and every load of them in executeRootHandler would take a byte more.
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
        static void exit(@Advice.Argument(1) Object exchange, @Advice.Enter ServerRequest previous) {
            ((ExchangeAccess) exchange).tailwatch$rootHandlerReturned(previous);
        }
    }

    /** The body of {@link ExchangeAccess#tailwatch$rootHandlerEntered}. */
    static final class RootHandlerEnteredBody {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This HttpServerExchange exchange, @Advice.Return(readOnly = false) ServerRequest previous) {
            if (!exchange.isInIoThread()) {
                UndertowHooks.workerBusy(exchange.getConnection().getWorker());
            }
            previous = UndertowHooks.handlerEnter(exchange);
        }
    }

    /**
     * The body of {@link ExchangeAccess#tailwatch$rootHandlerReturned}: on the thread that entered,
     * so the exchange's I/O thread test answers as it did there, and the same worker is found idle.
     */
    static final class RootHandlerReturnedBody {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This HttpServerExchange exchange, @Advice.Argument(0) ServerRequest previous) {
            if (!exchange.isInIoThread()) {
                UndertowHooks.workerIdle(exchange.getConnection().getWorker());
            }
            UndertowHooks.handlerExit(previous, null);
        }
    }

    /**
     * {@code HttpServerExchange.setInCall(boolean)}: {@code Connectors.executeRootHandler} calls it
     * with true just before the root handler runs and with false as soon as it returns or throws,
     * while the exchange still says whether the handler dispatched it to another thread.
     */
    static final class HandlerCall {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This HttpServerExchange exchange, @Advice.Argument(0) boolean starting,
                          @Advice.FieldValue(UndertowInstrumentation.REQUEST_FIELD) ServerRequest request,
                          @Advice.FieldValue(value = UndertowInstrumentation.IO_STARTED_FIELD, readOnly = false) long ioStarted,
                          @Advice.FieldValue(value = UndertowInstrumentation.MARK_FIELD, readOnly = false) long mark,
                          @Advice.FieldValue(value = UndertowInstrumentation.MEASURED_FIELD, readOnly = false) boolean measured) {
            if (request == null) {
                return;
            }
            boolean ioThread = exchange.isInIoThread();
            if (starting) {
                ioStarted = UndertowHooks.handlerEntering(request, ioThread, exchange.isComplete(), ioStarted);
                mark = UndertowHooks.allocationMark();
            } else if (!ioThread || !exchange.isDispatched() || exchange.getDispatchExecutor() == SameThreadExecutor.INSTANCE) {
                measured = UndertowHooks.handlerReturned(request, ioThread, exchange.isComplete(), ioStarted, mark, measured);
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
        static void enter(@Advice.This HttpServerExchange exchange,
                          @Advice.FieldValue("exchangeCompletionListenersCount") int listeners,
                          @Advice.FieldValue(UndertowInstrumentation.REQUEST_FIELD) ServerRequest request,
                          @Advice.FieldValue(UndertowInstrumentation.IO_STARTED_FIELD) long ioStarted) {
            if (request != null && listeners >= 0) {
                int status = exchange.getStatusCode();
                UndertowHooks.exchangeCompleted(request, ioStarted, exchange.isResponseStarted() ? status : 0,
                        exchange.getResponseBytesSent(),
                        status >= 500 ? exchange.getAttachment(DefaultResponseListener.EXCEPTION) : null);
            }
        }
    }

    /**
     * The close listener of {@code AbstractServerConnection} ({@code CloseSetter.handleEvent}), on
     * exit: Undertow has ended the current exchange, if it could.
     */
    static final class ConnectionClosed {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("this$0") Object connection) {
            UndertowHooks.connectionClosed(connection);
        }
    }

    /**
     * {@code ServletDispatchingHandler.handleRequest(exchange)}: a servlet or filter threw. Counted
     * for the request's own dispatch (or an async one), not for a forward or include, whose
     * exception the calling servlet may handle.
     */
    static final class ServletThrew {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(0) HttpServerExchange exchange, @Advice.Thrown Throwable error) {
            if (error != null) {
                ServletRequestContext context = exchange.getAttachment(ServletRequestContext.ATTACHMENT_KEY);
                DispatcherType type = context == null ? null : context.getDispatcherType();
                if (type == DispatcherType.REQUEST || type == DispatcherType.ASYNC) {
                    UndertowHooks.handlerThrew(exchange, error, exchange.isComplete());
                }
            }
        }
    }
}
