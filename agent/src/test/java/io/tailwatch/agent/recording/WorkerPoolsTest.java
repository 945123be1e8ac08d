package io.tailwatch.agent.recording;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkerPoolsTest {
    /** Shaped like a server's pool that is no ThreadPoolExecutor, with a statistics object behind a getter. */
    public static final class OddPool {
        public Stats getStats() {
            return new Stats();
        }

        public int getMaxThreads() {
            return 12;
        }
    }

    public static final class Stats {
        public long getBusy() {
            return 3L;
        }

        public Integer getQueued() {
            return 7;
        }
    }

    @Test
    void aThreadPoolExecutorIsReadAtScrapeTime() throws Exception {
        WorkerPools pools = new WorkerPools();
        ThreadPoolExecutor executor = new ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        CountDownLatch release = new CountDownLatch(1);
        try {
            pools.register("test", 8080, executor);
            for (int i = 0; i < 3; i++) {
                executor.execute(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            List<WorkerPools.Reading> readings = pools.read();
            assertEquals(1, readings.size());
            WorkerPools.Reading r = readings.get(0);
            assertEquals("test", r.server);
            assertEquals(8080, r.port);
            assertEquals(2, r.max);
            assertEquals(1, r.queued);
            assertTrue(r.busy <= 2, "busy " + r.busy);
        } finally {
            release.countDown();
            executor.shutdown();
        }
        assertTrue(pools.read().isEmpty(), "a shut-down pool is no longer read");
    }

    @Test
    void anyPoolIsReadThroughTheMethodsItsShapeNames() {
        WorkerPools pools = new WorkerPools();
        OddPool pool = new OddPool();
        WorkerPools.Shape shape = new WorkerPools.Shape("getStats.getBusy", "getMaxThreads", "getStats.getQueued");
        pools.register("odd", 1, pool, shape);
        pools.register("odd", 1, pool, shape);
        List<WorkerPools.Reading> readings = pools.read();
        assertEquals(1, readings.size(), "registered twice, read once");
        assertEquals(3, readings.get(0).busy);
        assertEquals(12, readings.get(0).max);
        assertEquals(7, readings.get(0).queued);
        pools.unregister(pool);
        assertTrue(pools.read().isEmpty());
    }

    @Test
    void aPoolThatCannotBeReadIsDroppedNotThrown() {
        WorkerPools pools = new WorkerPools();
        pools.register("broken", 1, new OddPool(), new WorkerPools.Shape("noSuchMethod", "getMaxThreads", "getMaxThreads"));
        assertTrue(pools.read().isEmpty());
        assertTrue(AgentErrors.counts().getOrDefault("broken-pool", 0L) >= 1);
    }
}
