package io.tailwatch.agent.instrumentation.tomcat;

import net.bytebuddy.asm.Advice;

/**
 * The advice woven into Tomcat classes that were loaded before the agent: only method bodies
 * change, no field or interface is added. Each piece reads the coyote request's note
 * {@link TomcatAttachedHooks#NOTE} and hands it to {@link TomcatAttachedHooks}. As in
 * {@link TomcatAdvice}, Tomcat's types appear only in the bodies, and only methods Tomcat 9, 10.1
 * and 11 share. The pieces that need no added members (the adapter's allocation mark and
 * publishing, the endpoint's executor) are {@link TomcatAdvice}'s.
 */
final class TomcatAttachedAdvice {
    private TomcatAttachedAdvice() {
    }

    /** {@code Http11InputBuffer.parseRequestLine(...)}: see {@link TomcatAdvice.ParseRequestLine}. */
    static final class ParseRequestLine {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.FieldValue("parsingRequestLine") boolean parsing,
                          @Advice.FieldValue("parsingRequestLinePhase") int phase) {
            return TomcatAttachedHooks.reading(parsing, phase);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long readStart, @Advice.Return boolean complete,
                         @Advice.FieldValue("parsingRequestLinePhase") int phase, @Advice.FieldValue("request") Object request) {
            if (readStart != 0 && (complete || phase > 0)) {
                org.apache.coyote.Request coyote = (org.apache.coyote.Request) request;
                coyote.setNote(TomcatAttachedHooks.NOTE,
                        TomcatAttachedHooks.requestStarted(coyote.getNote(TomcatAttachedHooks.NOTE), readStart));
            }
        }
    }

    /** {@code Http11Processor.prepareRequest()}: see {@link TomcatAdvice.RequestPrepared}. */
    static final class RequestPrepared {
        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.FieldValue("request") Object request) {
            org.apache.coyote.Request coyote = (org.apache.coyote.Request) request;
            long contentLength = -1;
            try {
                contentLength = coyote.getContentLengthLong();
            } catch (RuntimeException invalid) {
                // Tomcat answers 400 for it; the request is still counted, without a body size.
            }
            TomcatAttachedHooks.requestParsed(coyote.getNote(TomcatAttachedHooks.NOTE), coyote.getMethod(), contentLength);
        }
    }

    /** {@code Http11Processor.prepareResponse()}: the status line is about to be written. */
    static final class ResponseCommitted {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.FieldValue("request") Object request, @Advice.FieldValue("response") Object response) {
            TomcatAttachedHooks.responseCommitted(((org.apache.coyote.Request) request).getNote(TomcatAttachedHooks.NOTE),
                    ((org.apache.coyote.Response) response).getStatus());
        }
    }

    /** {@code Request.updateCounters()} and {@code Request.recycle()} of coyote: see {@link TomcatAdvice.RequestEnded}. */
    static final class RequestEnded {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This Object request) {
            org.apache.coyote.Request coyote = (org.apache.coyote.Request) request;
            Object note = coyote.getNote(TomcatAttachedHooks.NOTE);
            if (TomcatAttachedHooks.inFlight(note)) {
                TomcatAttachedHooks.requestEnded(note, coyote.getResponse().getContentWritten());
            }
        }
    }

    /** {@code StandardWrapperValve.exception(request, response, throwable, status)}: the servlet or a filter threw. */
    static final class ApplicationThrew {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Object request, @Advice.Argument(2) Throwable error,
                          @Advice.Argument(3) int errorCode) {
            TomcatAttachedHooks.applicationThrew(((org.apache.catalina.connector.Request) request).getCoyoteRequest()
                    .getNote(TomcatAttachedHooks.NOTE), error, errorCode);
        }
    }

    /** {@code CoyoteAdapter.service} and {@code asyncDispatch}: see {@link TomcatAdvice.AdapterPublish}. */
    static final class AdapterPublish {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        static io.tailwatch.agent.recording.ServerRequest enter(@Advice.Argument(0) Object request) {
            return TomcatAttachedHooks.publish(((org.apache.coyote.Request) request).getNote(TomcatAttachedHooks.NOTE));
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter io.tailwatch.agent.recording.ServerRequest previous) {
            TomcatHooks.unpublish(previous);
        }
    }
}
