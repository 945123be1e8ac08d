package io.tailwatch.agent.instrumentation.netty;

/**
 * When the calling event loop woke up to serve the channels its last select (or epoll wait)
 * returned, while it serves them. A loop serves the channels of one wake-up one after the other,
 * handlers included when they run on the loop: the request of the tenth channel waited, readable,
 * while the loop served the nine before it. That wait is the event-loop server's queue, and a clock
 * started when the decoder reaches the channel leaves it out: under {@code wrk} with 50 connections
 * on one core, Vert.x's {@code /hello} measured 3 µs at the agent and 620 µs at the client.
 *
 * <p>The wake-up is set on entry to the loop's method that serves the ready channels and cleared
 * on its exit; between the two, {@link #readableSince} gives it, and elsewhere (a read from a task
 * the loop runs, a transport whose loop is not instrumented) the present time. Each event loop
 * thread reads and writes only its own value: one thread-local array per loop thread, allocated
 * once, looked up once per wake-up and once per request, and no allocation per wake-up.
 */
final class EventLoopWakeTimes {
    private static final ThreadLocal<long[]> WOKE = ThreadLocal.withInitial(() -> new long[1]);

    private EventLoopWakeTimes() {
    }

    /**
     * The calling loop starts serving the channels its select returned.
     *
     * @return the loop's cell, to hand to {@link #served} on the same thread
     */
    static long[] woke() {
        long[] woke = WOKE.get();
        woke[0] = System.nanoTime();
        return woke;
    }

    /** The loop has served them; {@code woke} is what {@link #woke} returned. */
    static void served(long[] woke) {
        woke[0] = 0;
    }

    /**
     * Since when the channel that the calling thread reads now has been readable, as far as the
     * server can know: its loop's wake-up while the loop serves a wake-up's channels, else now.
     */
    static long readableSince() {
        long woke = WOKE.get()[0];
        return woke != 0 ? woke : System.nanoTime();
    }
}
