package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.recording.ServerConnection;

/**
 * Implemented by {@code org.eclipse.jetty.server.internal.HttpConnection} once instrumented: the
 * connection's tracking (a field the agent adds) and its {@code HttpChannelState}.
 */
public interface JettyConnectionAccess {
    ServerConnection tailwatch$connection();

    Object tailwatch$httpChannel();
}
