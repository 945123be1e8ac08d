package io.tailwatch.agent.recording;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The worker pools of instrumented servers, registered when a server starts and read only at scrape
 * time, never on the request path. Pools are held weakly: a stopped and discarded server's pool
 * disappears from the metrics instead of being kept alive by them.
 */
public final class WorkerPools {
    /** What a scrape reads of one pool. */
    public static final class Reading {
        public final String server;
        public final int port;
        public final int busy;
        public final int max;
        public final int queued;

        Reading(String server, int port, int busy, int max, int queued) {
            this.server = server;
            this.port = port;
            this.busy = busy;
            this.max = max;
            this.queued = queued;
        }
    }

    private static final class Registered {
        final String server;
        final int port;
        final WeakReference<ThreadPoolExecutor> pool;

        Registered(String server, int port, ThreadPoolExecutor pool) {
            this.server = server;
            this.port = port;
            this.pool = new WeakReference<>(pool);
        }
    }

    private final List<Registered> registered = new CopyOnWriteArrayList<>();

    /** A server started with this pool; {@code server} names the instrumentation, such as jdk-httpserver. */
    public void register(String server, int port, ThreadPoolExecutor pool) {
        registered.add(new Registered(server, port, pool));
    }

    /** A server stopped; its pool is no longer read. */
    public void unregister(ThreadPoolExecutor pool) {
        registered.removeIf(r -> r.pool.get() == pool);
    }

    /** The pools still alive and not shut down, read now. */
    public List<Reading> read() {
        List<Reading> readings = new ArrayList<>();
        for (Registered r : registered) {
            ThreadPoolExecutor pool = r.pool.get();
            if (pool == null || pool.isShutdown()) {
                registered.remove(r);
                continue;
            }
            readings.add(new Reading(r.server, r.port, pool.getActiveCount(), pool.getMaximumPoolSize(), pool.getQueue().size()));
        }
        return readings;
    }
}
