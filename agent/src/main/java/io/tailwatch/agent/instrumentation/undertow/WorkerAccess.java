package io.tailwatch.agent.instrumentation.undertow;

/**
 * Implemented by {@code org.xnio.XnioWorker} once instrumented: its busy-thread count, created with
 * the worker. Public, so that {@code WorkerPools} can call it by name at scrape time.
 */
public interface WorkerAccess {
    BusyWorkers tailwatch$busyWorkers();
}
