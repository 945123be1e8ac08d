package io.tailwatch.agent.instrumentation.jdkhttp;

import io.tailwatch.agent.recording.ServerRequest;

/**
 * The request a worker thread of the JDK HTTP server is handling, where the server's classes were
 * loaded before the agent (attached to a running JVM) and no field can be added to its connection
 * or exchange: the state lives with the thread instead, one per worker thread, reused for every
 * request it runs, so the request path still allocates nothing.
 *
 * <p>The clock starts when the worker starts the exchange task: the wait in the executor's queue
 * is not in it. Threads: only the thread reads and writes its own. A response that another thread
 * finishes (an asynchronous handler) is followed there in {@link #foreignExchange}, and the two
 * halves meet in {@link JdkHttpHandOffs}: the worker then gives its {@link #request} away and takes
 * a new one: with the two halves, the allocations of that path. A thread follows one such response at a time: one
 * that interleaves the writes of several loses the status and bytes of all but the last.
 */
final class JdkHttpWorkerRequest {
    private static final ThreadLocal<JdkHttpWorkerRequest> OF_THREAD = new ThreadLocal<JdkHttpWorkerRequest>() {
        @Override
        protected JdkHttpWorkerRequest initialValue() {
            return new JdkHttpWorkerRequest();
        }
    };

    ServerRequest request = new ServerRequest();
    /** When the worker started the current exchange task. */
    long taskStartNanos;
    /** The server's {@code ExchangeImpl} of the request in flight, null between requests. */
    Object exchange;
    /** Whether the current task began a request. */
    boolean begun;
    /** The exchange of another thread's request whose response this thread writes, or null. */
    Object foreignExchange;
    /** The status and body bytes this thread has written for {@link #foreignExchange}. */
    int foreignStatus;
    long foreignBytes;

    static JdkHttpWorkerRequest ofThread() {
        return OF_THREAD.get();
    }

    /** Starts following {@code exchangeImpl}, another thread's request, unless this thread already does. */
    void follow(Object exchangeImpl) {
        if (foreignExchange != exchangeImpl) {
            foreignExchange = exchangeImpl;
            foreignStatus = 0;
            foreignBytes = 0;
        }
    }

    /** Whether {@code exchangeImpl} is the request this thread has in flight. */
    boolean handles(Object exchangeImpl) {
        return exchangeImpl != null && exchangeImpl == exchange && request.inFlight();
    }
}
