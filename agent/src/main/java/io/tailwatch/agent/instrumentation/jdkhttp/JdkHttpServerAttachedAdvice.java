package io.tailwatch.agent.instrumentation.jdkhttp;

import net.bytebuddy.asm.Advice;

/**
 * The advice woven into {@code sun.net.httpserver} classes that were loaded before the agent: only
 * method bodies change, no field or interface is added. Each piece hands the server's objects to
 * {@link JdkHttpServerAttachedHooks}. The server's start and stop, which need no added members, use
 * {@link JdkHttpServerAdvice}'s advice.
 */
final class JdkHttpServerAttachedAdvice {
    private JdkHttpServerAttachedAdvice() {
    }

    /** {@code ServerImpl.Exchange.run()}: a worker thread reads and handles a request. */
    static final class TaskRun {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return JdkHttpServerAttachedHooks.taskStarted();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long allocationMark, @Advice.Thrown Throwable error) {
            JdkHttpServerAttachedHooks.taskEnded(allocationMark, error);
        }
    }

    /** {@code ServerImpl.Exchange.reject(int, String, String)}. */
    static final class Rejected {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) int code, @Advice.Argument(1) String requestLine) {
            JdkHttpServerAttachedHooks.rejected(code, requestLine);
        }
    }

    /** {@code ExchangeImpl(...)}: the request line and headers are read. */
    static final class ExchangeCreated {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object exchange, @Advice.FieldValue("method") String method,
                         @Advice.FieldValue("reqContentLen") long contentLength) {
            JdkHttpServerAttachedHooks.requestParsed(exchange, method, contentLength);
        }
    }

    /** {@code ExchangeImpl.sendResponseHeaders(int, long)}, on entry (see {@link JdkHttpServerAdvice.ResponseHeadersSent}). */
    static final class ResponseHeadersSent {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object exchange, @Advice.FieldValue("sentHeaders") boolean sent,
                          @Advice.Argument(0) int code) {
            if (!sent) {
                JdkHttpServerAttachedHooks.responseStatus(exchange, code);
            }
        }
    }

    /** {@code write(int)} of the response body streams. */
    static final class BodyByteWritten {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("t") Object exchange) {
            JdkHttpServerAttachedHooks.responseBodyWritten(exchange, 1);
        }
    }

    /** {@code write(byte[], int, int)} of the response body streams; the length taken on entry. */
    static final class BodyBytesWritten {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static int enter(@Advice.Argument(2) int length) {
            return length;
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.FieldValue("t") Object exchange, @Advice.Enter int length) {
            JdkHttpServerAttachedHooks.responseBodyWritten(exchange, length);
        }
    }

    /** The write-finished event's constructor: the response's last byte has been flushed. */
    static final class WriteFinished {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) Object exchange) {
            JdkHttpServerAttachedHooks.responseFinished(exchange);
        }
    }

    /** {@code Filter.Chain.doFilter(HttpExchange)} threw. */
    static final class FilterChainThrew {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Thrown Throwable error) {
            if (error != null) {
                JdkHttpServerAttachedHooks.handlerThrew(error);
            }
        }
    }
}
