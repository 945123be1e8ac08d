package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * The request a worker thread of the JDK HTTP server is handling, where the server's classes were
 * loaded before the agent (attached to a running JVM) and no field can be added to its connection
 * or exchange: the state lives with the thread instead, one per worker thread, reused for every
 * request it runs, so the request path still allocates nothing.
 *
 * <p>The clock starts when the worker starts the exchange task: the wait in the executor's queue
 * is not in it. Threads: only the worker reads and writes its own; an event of an exchange that is
 * not the one this thread began (a response completed on another thread) is ignored, and that
 * request ends when its task returns.
 */
final class JdkHttpWorkerRequest {
    private static final ThreadLocal<JdkHttpWorkerRequest> OF_THREAD = new ThreadLocal<JdkHttpWorkerRequest>() {
        @Override
        protected JdkHttpWorkerRequest initialValue() {
            return new JdkHttpWorkerRequest();
        }
    };

    final ServerRequest request = new ServerRequest();
    /** When the worker started the current exchange task. */
    long taskStartNanos;
    /** The server's {@code ExchangeImpl} of the request in flight, null between requests. */
    Object exchange;
    /** Whether the current task began a request. */
    boolean begun;

    static JdkHttpWorkerRequest ofThread() {
        return OF_THREAD.get();
    }

    /** Whether {@code exchangeImpl} is the request this thread has in flight. */
    boolean handles(Object exchangeImpl) {
        return exchangeImpl != null && exchangeImpl == exchange && request.inFlight();
    }
}
