package io.tailwatch.agent.instrumentation.jetty9;

import io.tailwatch.agent.recording.ServerConnection;

/**
 * Implemented by Jetty 9.4's {@code org.eclipse.jetty.server.HttpConnection} (HTTP/1) once
 * instrumented: the connection's tracking, in a field the agent adds, for its channel to find.
 */
public interface Jetty9ConnectionAccess {
    ServerConnection tailwatch$connection();
}
