package io.tailwatch.agent.recording;

import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The worker pools of instrumented servers, registered when a server starts and read only at scrape
 * time, never on the request path. Pools are held weakly: a stopped and discarded server's pool
 * disappears from the metrics instead of being kept alive by them.
 *
 * <p>A pool is read through its own public methods, named at registration, so that this class (in
 * the bootstrap loader) needs none of the servers' types: a {@code java.util.concurrent} executor
 * reads as {@code getActiveCount}, {@code getMaximumPoolSize} and {@code getQueue.size}, Jetty's
 * {@code QueuedThreadPool} as {@code getBusyThreads}, {@code getMaxThreads}, {@code getQueueSize}.
 * A dotted name is a chain of no-argument calls. Methods are looked up by reflection when read;
 * a pool that cannot be read is dropped and counted as an agent error.
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

    /** How to read one kind of pool: the (possibly dotted) names of its no-argument methods. */
    public static final class Shape {
        public static final Shape THREAD_POOL_EXECUTOR = new Shape("getActiveCount", "getMaximumPoolSize", "getQueue.size");

        final String[] busy;
        final String[] max;
        final String[] queued;

        public Shape(String busy, String max, String queued) {
            this.busy = busy.split("\\.");
            this.max = max.split("\\.");
            this.queued = queued.split("\\.");
        }
    }

    private static final class Registered {
        final String server;
        final int port;
        final WeakReference<Object> pool;
        final Shape shape;

        Registered(String server, int port, Object pool, Shape shape) {
            this.server = server;
            this.port = port;
            this.pool = new WeakReference<>(pool);
            this.shape = shape;
        }
    }

    private final List<Registered> registered = new CopyOnWriteArrayList<>();

    /** A server started with this pool; {@code server} names the instrumentation, such as jdk-httpserver. */
    public void register(String server, int port, ThreadPoolExecutor pool) {
        register(server, port, pool, Shape.THREAD_POOL_EXECUTOR);
    }

    /** A server started with a pool read through {@code shape}; a pool registered twice is read once. */
    public void register(String server, int port, Object pool, Shape shape) {
        unregister(pool);
        registered.add(new Registered(server, port, pool, shape));
    }

    /** A server stopped; its pool is no longer read. */
    public void unregister(Object pool) {
        registered.removeIf(r -> r.pool.get() == pool);
    }

    /** The pools still alive and not shut down, read now. */
    public List<Reading> read() {
        List<Reading> readings = new ArrayList<>();
        for (Registered r : registered) {
            Object pool = r.pool.get();
            if (pool == null || (pool instanceof ThreadPoolExecutor && ((ThreadPoolExecutor) pool).isShutdown())) {
                registered.remove(r);
                continue;
            }
            try {
                readings.add(new Reading(r.server, r.port, call(pool, r.shape.busy), call(pool, r.shape.max),
                        call(pool, r.shape.queued)));
            } catch (Throwable t) {
                registered.remove(r);
                AgentErrors.record(r.server + "-pool", t);
            }
        }
        return readings;
    }

    private static int call(Object target, String[] chain) throws ReflectiveOperationException {
        Object value = target;
        for (String name : chain) {
            value = publicMethod(value.getClass(), name).invoke(value);
        }
        return ((Number) value).intValue();
    }

    /** The method as declared by a public class or interface, so that it can be called without opening modules. */
    private static Method publicMethod(Class<?> type, String name) throws NoSuchMethodException {
        Method m = type.getMethod(name);
        if (java.lang.reflect.Modifier.isPublic(m.getDeclaringClass().getModifiers())) {
            return m;
        }
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                try {
                    Method candidate = i.getMethod(name);
                    if (java.lang.reflect.Modifier.isPublic(i.getModifiers())) {
                        return candidate;
                    }
                } catch (NoSuchMethodException ignored) {
                    // Not declared by this interface.
                }
            }
            if (java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                try {
                    return c.getMethod(name);
                } catch (NoSuchMethodException ignored) {
                    // Keep looking up the hierarchy.
                }
            }
        }
        return m;
    }
}
