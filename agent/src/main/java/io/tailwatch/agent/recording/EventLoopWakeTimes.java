package io.tailwatch.agent.recording;

/**
 * When the calling event loop woke up to serve the channels its last select (or epoll wait)
 * returned, while it serves them. A loop serves the channels of one wake-up one after the other,
 * handlers included when they run on the loop: the request of the tenth channel waited, readable,
 * while the loop served the nine before it. That wait is the event-loop server's queue, and a clock
 * started when the server reaches the channel leaves it out: under {@code wrk} with 50 connections
 * on one core, Vert.x's {@code /hello} measured 3 µs at the agent and 620 µs at the client.
 *
 * <p>A loop with a method that serves one wake-up's channels (Netty's) calls {@link #woke} on its
 * entry and {@link #served} on its exit. A loop that serves them inline (XNIO's, under Undertow)
 * calls {@link #servingReady} as it serves each ready channel, which keeps the first one's time as
 * the wake-up, and {@link #served} as it turns to its tasks before its next select. In between,
 * {@link #readableSince} gives the wake-up; elsewhere (a read from a task the loop runs, a loop
 * that is not instrumented) the present time.
 *
 * <p>Threads: each loop thread reads and writes only its own value, one thread-local array per
 * thread, allocated once; no allocation per wake-up or per request.
 */
public final class EventLoopWakeTimes {
    private static final ThreadLocal<long[]> WOKE = ThreadLocal.withInitial(() -> new long[1]);

    private EventLoopWakeTimes() {
    }

    /**
     * The calling loop starts serving the channels its select returned.
     *
     * @return the loop's cell, to hand to {@link #served} on the same thread
     */
    public static long[] woke() {
        long[] woke = WOKE.get();
        woke[0] = System.nanoTime();
        return woke;
    }

    /**
     * The calling loop serves one of the channels its select returned: the first of a wake-up
     * marks the wake-up, as near to the select's return as the loop lets the agent see.
     */
    public static void servingReady() {
        long[] woke = WOKE.get();
        if (woke[0] == 0) {
            woke[0] = System.nanoTime();
        }
    }

    /** The loop has served them; {@code woke} is what {@link #woke} returned. */
    public static void served(long[] woke) {
        woke[0] = 0;
    }

    /** The calling loop has served them (a loop that calls {@link #servingReady}). */
    public static void served() {
        WOKE.get()[0] = 0;
    }

    /**
     * Since when the channel that the calling thread reads now has been readable, as far as the
     * server can know: its loop's wake-up while the loop serves a wake-up's channels, else now.
     */
    public static long readableSince() {
        long woke = WOKE.get()[0];
        return woke != 0 ? woke : System.nanoTime();
    }
}
