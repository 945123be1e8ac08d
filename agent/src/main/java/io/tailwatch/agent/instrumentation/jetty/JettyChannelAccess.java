package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * Implemented by {@code org.eclipse.jetty.server.internal.HttpChannelState} once instrumented: the
 * measurement of its current request, in a field the agent adds, and the agent's work at the
 * request's start and completion, in methods it adds. An HTTP/1 connection keeps one channel for
 * all its requests, so the measurement is allocated once per connection.
 *
 * <p>The work is in methods of its own, not inlined into {@code onRequest} and
 * {@code completeStream}, so that these stay under the size up to which C2 inlines a hot method
 * (see {@code JettyAdvice.RequestStarted}).
 */
public interface JettyChannelAccess {
    ServerRequest tailwatch$request();

    /** After {@code onRequest(MetaData.Request)} parsed the request's head ({@code head}). */
    void tailwatch$requestStarted(Object head);

    /** On entry to {@code completeStream(HttpStream, Throwable)}. */
    void tailwatch$streamCompleted(Object stream, Throwable failure);
}
