package io.tailwatch.agent.instrumentation.vertx;

/**
 * Implemented by Vert.x's {@code WorkerTask} once instrumented: when the task that carries a request
 * ({@link RequestCarrier}) was handed to the worker pool, so that the request's queue time is the
 * time the task waited for a worker.
 */
public interface HandOffTime {
    long tailwatch$handedOff();

    void tailwatch$handedOff(long nanos);
}
