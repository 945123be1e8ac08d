package io.tailwatch.agent.instrumentation.vertx;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * Implemented, once instrumented, by Vert.x objects that outlive the call in which their request
 * was known: Vert.x Web's routing context (handlers run later, after a body was read or a
 * pipelined request's turn came) and a worker task (it runs on a worker thread). They carry the
 * request and its arrival, which tells that request from a later one the same {@link ServerRequest}
 * object measures once the first has ended.
 */
public interface RequestCarrier {
    ServerRequest tailwatch$request();

    void tailwatch$request(ServerRequest request);

    long tailwatch$arrival();

    void tailwatch$arrival(long arrivalNanos);
}
