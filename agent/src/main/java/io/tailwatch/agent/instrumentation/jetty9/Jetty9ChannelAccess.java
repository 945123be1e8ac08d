package io.tailwatch.agent.instrumentation.jetty9;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * Implemented by Jetty 9.4's {@code org.eclipse.jetty.server.HttpChannel} once instrumented: the
 * measurement of its current request, in a field the agent adds. An HTTP/1 connection keeps one
 * channel for all its requests, so this is allocated once per connection.
 */
public interface Jetty9ChannelAccess {
    ServerRequest tailwatch$request();
}
