package io.tailwatch.agent.instrumentation.undertow;

import io.tailwatch.agent.recording.ServerConnection;
import io.tailwatch.agent.recording.ServerRequest;

/**
 * Implemented by {@code io.undertow.server.protocol.http.HttpServerConnection} once instrumented:
 * the fields added to it, set when the connection is created. An HTTP/1.1 connection serves its
 * exchanges one after the other, so one {@link ServerRequest} per connection measures them all.
 */
public interface ConnectionAccess {
    /** The connection's tracking, or null if it was accepted while the agent was not recording. */
    ServerConnection tailwatch$connection();

    /** The request measurement reused by each exchange of the connection; null with the above. */
    ServerRequest tailwatch$request();
}
