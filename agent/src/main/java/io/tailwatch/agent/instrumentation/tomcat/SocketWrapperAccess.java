package io.tailwatch.agent.instrumentation.tomcat;

import io.tailwatch.agent.recording.ServerConnection;

/**
 * Implemented by {@code org.apache.tomcat.util.net.SocketWrapperBase} (one per TCP connection) once
 * instrumented: the fields the agent adds to it.
 */
public interface SocketWrapperAccess {
    ServerConnection tailwatch$connection();

    /** When a worker last started to process this connection (the socket processor's run). */
    long tailwatch$workerStartNanos();

    void tailwatch$workerStartNanos(long nanos);
}
