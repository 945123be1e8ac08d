package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * Implemented by {@code org.eclipse.jetty.server.internal.HttpChannelState} once instrumented: the
 * measurement of its current request, in a field the agent adds. An HTTP/1 connection keeps one
 * channel for all its requests, so this is allocated once per connection.
 */
public interface JettyChannelAccess {
    ServerRequest tailwatch$request();
}
