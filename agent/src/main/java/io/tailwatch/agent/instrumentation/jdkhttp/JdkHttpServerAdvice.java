package io.tailwatch.agent.instrumentation.jdkhttp;

import net.bytebuddy.asm.Advice;

/**
 * The advice woven into {@code sun.net.httpserver}: each piece hands the server's objects to
 * {@link JdkHttpServerHooks} and does nothing else. Inlined into JDK classes, it can only call
 * classes of the bootstrap class loader, where the agent defines them (see BootstrapClassSet).
 */
final class JdkHttpServerAdvice {
    private JdkHttpServerAdvice() {
    }

    /** {@code ServerImpl.start()}: the server has its executor (the application's, or the default). */
    static final class ServerStarted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("executor") Object executor, @Advice.FieldValue("schan") Object listenChannel) {
            JdkHttpServerHooks.serverStarted(executor, listenChannel);
        }
    }

    /** {@code ServerImpl.stop(int)}. */
    static final class ServerStopped {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("executor") Object executor) {
            JdkHttpServerHooks.serverStopped(executor);
        }
    }

    /** {@code HttpConnection()}: a connection was accepted. */
    static final class ConnectionCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue(value = JdkHttpServerInstrumentation.CONNECTION_FIELD, readOnly = false)
                         JdkHttpConnection connection) {
            connection = JdkHttpServerHooks.connectionOpened();
        }
    }

    /** {@code HttpConnection.close()}. */
    static final class ConnectionClosed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue(JdkHttpServerInstrumentation.CONNECTION_FIELD) JdkHttpConnection connection) {
            JdkHttpServerHooks.connectionClosed(connection);
        }
    }

    /** {@code ServerImpl.Exchange(...)}: the dispatcher has a request's bytes and queues a task for it. */
    static final class ExchangeTaskCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("connection") Object connection) {
            JdkHttpServerHooks.exchangeTaskCreated(connection);
        }
    }

    /** {@code ServerImpl.Exchange.run()}: a worker thread reads and handles the request. */
    static final class ExchangeTaskRun {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.FieldValue("connection") Object connection) {
            return JdkHttpServerHooks.exchangeTaskStarted(connection);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("connection") Object connection, @Advice.Enter long allocatedAtStart,
                         @Advice.FieldValue("tx") Object exchange, @Advice.FieldValue("rejected") boolean rejected,
                         @Advice.Thrown Throwable error) {
            JdkHttpServerHooks.exchangeTaskEnded(connection, allocatedAtStart, exchange, rejected, error);
        }
    }

    /** {@code ServerImpl.Exchange.reject(int, String, String)}: the server answers an invalid request itself. */
    static final class ExchangeRejected {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("connection") Object connection, @Advice.Argument(0) int code,
                          @Advice.Argument(1) String requestLine) {
            JdkHttpServerHooks.rejected(connection, code, requestLine);
        }
    }

    /** {@code ExchangeImpl(...)}: the request line and headers are read; a handler will run. */
    static final class ExchangeCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("connection") Object connection, @Advice.FieldValue("method") String method,
                         @Advice.FieldValue("reqContentLen") long contentLength) {
            JdkHttpServerHooks.requestParsed(connection, method, contentLength);
        }
    }

    /**
     * {@code ExchangeImpl.sendResponseHeaders(int, long)}. Taken on entry: for a response without
     * a body the method itself finishes the exchange before it returns.
     */
    static final class ResponseHeadersSent {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("connection") Object connection, @Advice.FieldValue("sentHeaders") boolean sent,
                          @Advice.Argument(0) int code) {
            if (!sent) {
                JdkHttpServerHooks.responseStatus(connection, code);
            }
        }
    }

    /** {@code write(int)} of the response body streams. */
    static final class BodyByteWritten {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("t") Object exchange) {
            JdkHttpServerHooks.responseBodyWritten(exchange, 1);
        }
    }

    /**
     * {@code write(byte[], int, int)} of the response body streams. The length is taken on entry:
     * the chunked stream changes its {@code len} parameter as it writes.
     */
    static final class BodyBytesWritten {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static int enter(@Advice.Argument(2) int length) {
            return length;
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("t") Object exchange, @Advice.Enter int length) {
            JdkHttpServerHooks.responseBodyWritten(exchange, length);
        }
    }

    /** The write-finished event's constructor: the response's last byte has been flushed. */
    static final class WriteFinished {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object exchange) {
            JdkHttpServerHooks.responseFinished(exchange);
        }
    }

    /** {@code Filter.Chain.doFilter(HttpExchange)}: sees what a handler throws before the server swallows it. */
    static final class FilterChainThrew {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object exchange, @Advice.Thrown Throwable error) {
            if (error != null) {
                JdkHttpServerHooks.handlerThrew(exchange, error);
            }
        }
    }
}
