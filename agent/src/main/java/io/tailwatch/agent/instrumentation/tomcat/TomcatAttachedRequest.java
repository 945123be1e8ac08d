package io.tailwatch.agent.instrumentation.tomcat;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * The agent's state for the requests of one coyote {@code Request} where Tomcat's classes were
 * loaded before the agent (attached to a running JVM) and no field can be added to them: kept in
 * the request's own note slot {@link TomcatAttachedHooks#NOTE}, which Tomcat does not clear when it
 * recycles the request. A processor keeps its coyote request for its life and Tomcat pools the
 * processors, so one is allocated per processor, not per request.
 *
 * <p>Threads: {@link #readStartNanos} is written and read by the worker that reads the request;
 * when a request line arrives in pieces, Tomcat hands the processor to the next worker through its
 * poller and executor, which order the accesses. {@link #request} is safe on any thread (see
 * {@link ServerRequest}).
 */
final class TomcatAttachedRequest {
    final ServerRequest request = new ServerRequest();
    /** When a worker started reading the request being parsed, 0 once {@code begin} took it. */
    long readStartNanos;
}
