package io.tailwatch.agent.instrumentation.jetty;

import io.tailwatch.agent.recording.ServerConnection;

/**
 * Implemented by {@code org.eclipse.jetty.io.SelectableChannelEndPoint} once instrumented: the
 * tracking of the HTTP connection on this socket, set when that connection opens, so that the
 * selector thread can mark the connection readable. Null for client sockets and other protocols.
 */
public interface JettyEndPointAccess {
    ServerConnection tailwatch$connection();

    void tailwatch$connection(ServerConnection connection);

    /** Whether the connection's accept waited for a pool thread; see {@link JettyHooks}. */
    void tailwatch$acceptQueued(boolean queued);
}
