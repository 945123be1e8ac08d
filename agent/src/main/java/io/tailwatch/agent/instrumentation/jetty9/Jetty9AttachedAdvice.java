package io.tailwatch.agent.instrumentation.jetty9;

import io.tailwatch.agent.recording.ServerRequest;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.http.MetaData;

/**
 * The advice woven into Jetty 9.4's classes when they were loaded before the agent
 * ({@link Jetty9Instrumentation#extendLoaded}): only method bodies change, and each piece hands the
 * channel itself to {@link Jetty9AttachedHooks}, which keeps the request under it. Compiled against
 * Jetty 12 under the same rule as {@link Jetty9Advice}: only methods whose signatures 9.4 shares.
 */
final class Jetty9AttachedAdvice {
    private Jetty9AttachedAdvice() {
    }

    /** {@code HttpChannel.onRequest(MetaData.Request)}: the request's head is parsed. */
    static final class RequestStarted {
        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.This Object channel, @Advice.Argument(0) Object head) {
            MetaData.Request metaData = (MetaData.Request) head;
            Jetty9AttachedHooks.requestStarted(channel, metaData.getMethod(), metaData.getContentLength());
        }
    }

    /** {@code HttpChannel.handle()}: a thread runs the channel (see {@link Jetty9Advice.Handled}). */
    static final class Handled {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.This Object channel, @Advice.Local("previous") ServerRequest previous) {
            previous = Jetty9AttachedHooks.handleStarted(channel);
            return Jetty9AttachedHooks.firstDispatch(channel);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long allocationMark, @Advice.Local("previous") ServerRequest previous) {
            Jetty9AttachedHooks.handleReturned(allocationMark, previous);
        }
    }

    /** {@code HttpChannel.handleException(Throwable)}: the application (or Jetty) threw while the channel ran. */
    static final class HandlerThrew {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object channel, @Advice.Argument(0) Throwable thrown) {
            Jetty9AttachedHooks.threw(channel, thrown);
        }
    }

    /** {@code HttpChannel.onCompleted()}, on entry (see {@link Jetty9Advice.Completed}). */
    static final class Completed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object channel, @Advice.FieldValue("_committedMetaData") Object committed,
                          @Advice.FieldValue("_written") long written) {
            Jetty9AttachedHooks.requestCompleted(channel, committed != null ? ((MetaData.Response) committed).getStatus() : 0, written);
        }
    }

    /** {@code HttpConnection.onFillable()}: a thread reads and parses the connection. */
    static final class Filling {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter() {
            return Jetty9AttachedHooks.fillStarted();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long previous) {
            Jetty9AttachedHooks.fillReturned(previous);
        }
    }

    /** {@code HttpConnection.onClose()}: the connection closed. */
    static final class ConnectionClosed {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("_channel") Object channel) {
            Jetty9AttachedHooks.connectionClosed(channel);
        }
    }
}
