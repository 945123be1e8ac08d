package io.tailwatch.agent.instrumentation.tomcat;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * Implemented by {@code org.apache.coyote.Request} once instrumented: the fields the agent adds to
 * it. Tomcat keeps one coyote request per processor and recycles it for every request the processor
 * handles, so the {@link ServerRequest} kept here is allocated once per processor.
 */
public interface CoyoteRequestAccess {
    ServerRequest tailwatch$request();

    void tailwatch$request(ServerRequest request);

    /** When the request being parsed reached the server, 0 once it was taken by {@code begin}. */
    long tailwatch$arrivalNanos();

    void tailwatch$arrivalNanos(long nanos);

    /**
     * At {@code updateCounters()} and {@code recycle()}: the agent's work there, in a method of its
     * own so that {@code recycle()} stays as small as it can (see {@code TomcatAdvice.RequestEnded}).
     */
    void tailwatch$requestEnded();
}
